import Foundation

/// How values map onto an axis: evenly (`linear`) or by orders of magnitude (`logarithmic`).
public enum Scale: Sendable, Equatable {
  /// Equal distances for equal differences; the axis starts at zero when all values are positive.
  case linear
  /// Equal distances for equal ratios; ticks at 1, 2, 5 × powers of ten. Values ≤ 0 cannot be
  /// drawn on it and are left out.
  case logarithmic
}

/// One labelled position on an axis.
struct Tick: Equatable {
  let value: Double
  let label: String
}

/// A value range mapped onto a pixel range, with its ticks.
struct AxisMapping {
  let scale: Scale
  /// The value range shown (both ends positive for a logarithmic scale).
  let lower: Double
  let upper: Double
  let ticks: [Tick]

  /// The mapping that shows every finite value of `values` (positive ones only, for a
  /// logarithmic scale) with a little room, on round tick values. `includeZero` makes a linear
  /// axis start at zero (bars grow from it).
  init(scale: Scale, values: [Double], includeZero: Bool) {
    self.scale = scale
    let shown = values.filter { $0.isFinite && (scale == .linear || $0 > 0) }
    switch scale {
    case .linear:
      var low = shown.min() ?? 0
      var high = shown.max() ?? 1
      if includeZero {
        low = Swift.min(low, 0)
        high = Swift.max(high, 0)
      }
      if low == high { (low, high) = (low - 1, high + 1) }
      if !includeZero {
        // Points on the very edge of the plot are hard to see: 5% of room on both sides.
        let room = (high - low) * 0.05
        (low, high) = (low - room, high + room)
      }
      let step = AxisMapping.niceStep((high - low) / 5)
      let start = (low / step).rounded(.down) * step
      let end = (high / step).rounded(.up) * step
      (lower, upper) = (start, end)
      let count = Int(((end - start) / step).rounded())
      ticks = (0...count).map { index in
        let value = start + Double(index) * step
        return Tick(value: value, label: TickLabel.format(abs(value) < step * 1e-9 ? 0 : value))
      }
    case .logarithmic:
      let low = shown.min() ?? 1
      let high = shown.max() ?? 10
      let lowDecade = floor(log10(low))
      var highDecade = ceil(log10(high))
      if highDecade <= lowDecade { highDecade = lowDecade + 1 }
      lower = pow(10, lowDecade)
      upper = pow(10, highDecade)
      let decades = Int(highDecade - lowDecade)
      // Few decades: 1, 2, 5 in each; many: every power of ten (or every other one).
      let multiples: [Double] = decades <= 2 ? [1, 2, 5] : [1]
      let stride = decades > 8 ? 2 : 1
      var ticks: [Tick] = []
      for decade in Swift.stride(from: Int(lowDecade), through: Int(highDecade), by: stride) {
        for multiple in multiples {
          let value = multiple * pow(10, Double(decade))
          if value <= upper * (1 + 1e-9) { ticks.append(Tick(value: value, label: TickLabel.format(value))) }
        }
      }
      self.ticks = ticks
    }
  }

  /// Where `value` lies between the ends, 0 at `lower` and 1 at `upper` (nil when it cannot be
  /// drawn: not finite, or ≤ 0 on a logarithmic scale).
  func fraction(_ value: Double) -> Double? {
    guard value.isFinite else { return nil }
    switch scale {
    case .linear:
      return (value - lower) / (upper - lower)
    case .logarithmic:
      guard value > 0 else { return nil }
      return (log10(value) - log10(lower)) / (log10(upper) - log10(lower))
    }
  }

  /// 1, 2, 2.5 or 5 times a power of ten, the smallest at least `rough`.
  static func niceStep(_ rough: Double) -> Double {
    guard rough > 0, rough.isFinite else { return 1 }
    let power = pow(10, floor(log10(rough)))
    for multiple in [1, 2, 2.5, 5, 10] where multiple * power >= rough * (1 - 1e-9) {
      return multiple * power
    }
    return 10 * power
  }
}

/// Short, readable numbers for tick and value labels.
public enum TickLabel {
  /// `0.001` → `0.001`, `2.5` → `2.5`, `1500` → `1500`, `25000` → `25k`, `3e6` → `3M`,
  /// `1e-5` → `1e-05`: at most four significant digits, no trailing zeros.
  public static func format(_ value: Double) -> String {
    guard value.isFinite else { return "\(value)" }
    let magnitude = abs(value)
    if magnitude == 0 { return "0" }
    for (factor, suffix) in [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e4, "k")] where magnitude >= factor {
      let divisor = suffix == "k" ? 1e3 : factor
      return trimmed(String(format: "%.3g", value / divisor)) + suffix
    }
    if magnitude < 1e-3 { return String(format: "%.2g", value) }
    return trimmed(String(format: "%.4g", value))
  }

  private static func trimmed(_ text: String) -> String {
    guard text.contains("."), !text.contains("e") else { return text }
    var result = text
    while result.last == "0" { result.removeLast() }
    if result.last == "." { result.removeLast() }
    return result
  }
}
