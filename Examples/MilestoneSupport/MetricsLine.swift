import Foundation

/// A JSON value of a milestone's final metrics line.
public enum MetricValue: Sendable {
  case string(String)
  case int(Int)
  case double(Double)
  case bool(Bool)
  /// A JSON array, e.g. one accuracy per seed.
  case array([MetricValue])

  var json: String {
    switch self {
    case .string(let s):
      let data = try? JSONSerialization.data(withJSONObject: [s], options: [.withoutEscapingSlashes])
      let array = data.flatMap { String(data: $0, encoding: .utf8) } ?? "[\"\"]"
      return String(array.dropFirst().dropLast())
    case .int(let i): return String(i)
    case .double(let d): return d.isFinite ? String(d) : "null"
    case .bool(let b): return b ? "true" : "false"
    case .array(let values): return "[" + values.map(\.json).joined(separator: ",") + "]"
    }
  }
}

/// The one-line JSON object every milestone prints last, with keys in the given order, e.g.
/// `{"milestone":"1986-mlp","test_accuracy":0.975,"epochs":20,"train_seconds":1.2}`.
public func metricsLine(_ entries: [(String, MetricValue)]) -> String {
  "{" + entries.map { "\(MetricValue.string($0.0).json):\($0.1.json)" }.joined(separator: ",") + "}"
}

/// `value` rounded to `digits` decimals, for readable metrics.
public func rounded(_ value: Double, _ digits: Int) -> Double {
  let scale = Foundation.pow(10, Double(digits))
  return (value * scale).rounded() / scale
}
