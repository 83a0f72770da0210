import Foundation

/// The results table (Markdown) and totals of a conformance run.
public struct ConformanceReport: Sendable {
  /// One result per case, in case order.
  public var results: [CaseResult]
  /// Whether the compiled library was run.
  public var compiling: Bool

  /// Creates a report.
  public init(results: [CaseResult], compiling: Bool) {
    self.results = results
    self.compiling = compiling
  }

  /// `passed`, `failed`, `unsupported` counts and per-engine passes.
  public var totals: (passed: Int, failed: Int, unsupported: Int, interpreter: Int, compiled: Int) {
    let statuses = results.map { $0.status(compiling: compiling) }
    return (
      statuses.filter { $0 == "passed" }.count, statuses.filter { $0 == "failed" }.count,
      statuses.filter { $0 == "unsupported" }.count, results.filter(\.interpreter.passed).count,
      results.filter(\.compiled.passed).count
    )
  }

  /// One line: `N node tests: P passed in both engines (interpreter I, compiled C), F failed, U unsupported`.
  public var summary: String {
    let t = totals
    let engines =
      compiling ? "both engines (interpreter \(t.interpreter), compiled \(t.compiled))" : "the interpreter"
    return
      "\(results.count) node tests: \(t.passed) passed in \(engines), \(t.failed) failed, \(t.unsupported) unsupported"
  }

  /// The Markdown table: one row per case, then the totals.
  public var markdown: String {
    var lines = [
      "# ONNX backend node tests", "", summary, "",
      "| test | result | interpreter | compiled | why not supported |", "| --- | --- | --- | --- | --- |",
    ]
    for result in results {
      let reason = (result.unsupported ?? "").replacingOccurrences(of: "|", with: "\\|")
      let cells = [
        result.name, result.status(compiling: compiling), result.interpreter.summary, result.compiled.summary,
        String(reason.prefix(300)),
      ].map { $0.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }
      lines.append("| " + cells.joined(separator: " | ") + " |")
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
