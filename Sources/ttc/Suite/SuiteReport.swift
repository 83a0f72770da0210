import Foundation
import TTCharts
import TTProfiler

/// The result of `ttc bench --suite`: a Markdown table, a JSON document (docs/BENCH.md) and a
/// picture.
struct SuiteReport: Encodable {
  let machine: Machine
  /// The command line that produced the report.
  let command: String
  /// When the run started (ISO 8601).
  let date: String
  /// Kernel threads per call (`--threads`).
  let threads: Int
  /// Concurrent callers of each compiled library (`--callers`).
  let callers: Int
  /// Timed calls per entry (`--repeats`), or nil when each entry was timed for `secondsPerEntry`.
  let repeats: Int?
  let secondsPerEntry: Double
  /// Why optional models were left out (their export is missing).
  let skipped: [String]
  let results: [SuiteResult]

  /// The interpreted entry's median of the same model and batch over this entry's median.
  func speedup(_ result: SuiteResult) -> Double? {
    guard let median = result.measurement?.latency.median, result.entry.mode != .interpreted else {
      return nil
    }
    let baseline = results.first {
      $0.entry.model.name == result.entry.model.name && $0.entry.batch == result.entry.batch
        && $0.entry.mode == .interpreted
    }
    return baseline?.measurement.map { $0.latency.median / median }
  }

  /// The entries that failed.
  var failures: [SuiteResult] { results.filter { $0.measurement == nil } }

  // MARK: Markdown

  /// The table with a header line (machine, command) and the failures listed under it.
  var markdown: String {
    var lines = [
      "\(machine.summary); \(count(threads, "kernel thread")) per call, \(count(callers, "caller"))",
      "",
      "`\(command)`",
      "",
      "| model | batch | mode | median | 95% CI | samples/s | speedup | weights | activations | accuracy | max abs diff |",
      "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in results {
      let entry = result.entry
      var cells = [markdownEscaped(entry.model.name), "\(entry.batch)", entry.mode.rawValue]
      if let measurement = result.measurement {
        let latency = measurement.latency
        let throughput = measurement.concurrent?.throughput ?? latency.throughput
        cells += [
          Format.duration(latency.median), "±" + Format.percent(latency.ci95HalfWidth / latency.median),
          Format.scaled(throughput), speedup(result).map { String(format: "%.1f×", $0) } ?? "",
          Format.bytes(measurement.weightsBytes),
          "\(Format.bytes(measurement.activationBytes)) \(measurement.activationMemory.rawValue)",
          measurement.accuracy.map(Format.percent) ?? "",
          measurement.maxAbsoluteDifference.map(Format.scientific) ?? "",
        ]
      } else {
        cells += ["failed"] + Array(repeating: "", count: 7)
      }
      lines.append("| " + cells.joined(separator: " | ") + " |")
    }
    if !skipped.isEmpty {
      lines += ["", "Left out:", ""] + skipped.map { "- \(markdownEscaped($0))" }
    }
    if !failures.isEmpty {
      lines += ["", "Failed:", ""]
      for failure in failures {
        if case .failure(let error) = failure.outcome {
          lines.append("- `\(failure.entry.id)`: \(markdownEscaped(oneLine(error.description)))")
        }
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// `1 caller`, `2 callers`.
  private func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }

  private func markdownEscaped(_ text: String) -> String {
    oneLine(text).replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "`", with: "'")
  }

  // MARK: Picture

  /// Median latency per model and batch (one bar per mode, log scale) and the speedup of every
  /// mode over the interpreter.
  var figure: Figure {
    var groups: [String] = []
    for result in results {
      let name = "\(result.entry.model.name) b\(result.entry.batch)"
      if !groups.contains(name) { groups.append(name) }
    }
    let modes = SuiteMode.allCases.filter { mode in results.contains { $0.entry.mode == mode } }
    func series(_ value: (SuiteResult) -> Double?, modes: [SuiteMode]) -> [BarChart.Series] {
      modes.map { mode in
        BarChart.Series(
          mode.rawValue,
          groups.map { group in
            results.first { "\($0.entry.model.name) b\($0.entry.batch)" == group && $0.entry.mode == mode }
              .flatMap(value)
          })
      }
    }
    let latency = BarChart(
      title: "ttc bench --suite: median latency per call", categories: groups,
      series: series({ $0.measurement.map { $0.latency.median * 1e6 } }, modes: modes),
      valueAxis: Axis("median latency", unit: "µs", scale: .logarithmic),
      categoryAxisTitle: machine.summary)
    let speedups = BarChart(
      title: "speedup over the interpreter (same model and batch)", categories: groups,
      series: series(speedup, modes: modes.filter { $0 != .interpreted }),
      valueAxis: Axis("speedup", unit: "×", scale: .logarithmic))
    return Figure(title: "ttc bench --suite", charts: [latency, speedups])
  }

  // MARK: JSON

  /// The JSON schema's version (docs/BENCH.md): 2 since `threads` means kernel threads and
  /// `callers` the concurrent callers (in version 1, `threads` held the callers).
  static let schemaVersion = 2

  enum CodingKeys: String, CodingKey {
    case format, version, machine, kernels, command, date, threads, callers, repeats, skipped, entries
    case secondsPerEntry = "seconds_per_entry"
  }

  func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode("ttc-bench-suite", forKey: .format)
    try container.encode(Self.schemaVersion, forKey: .version)
    try container.encode(machine, forKey: .machine)
    try container.encode(["fp32": machine.kernelPath, "int8": machine.int8KernelPath], forKey: .kernels)
    try container.encode(command, forKey: .command)
    try container.encode(date, forKey: .date)
    try container.encode(threads, forKey: .threads)
    try container.encode(callers, forKey: .callers)
    try container.encode(repeats, forKey: .repeats)
    try container.encode(skipped, forKey: .skipped)
    try container.encode(secondsPerEntry, forKey: .secondsPerEntry)
    try container.encode(results.map { EncodedEntry(result: $0, speedup: speedup($0)) }, forKey: .entries)
  }

  /// One entry in the JSON document.
  private struct EncodedEntry: Encodable {
    let result: SuiteResult
    let speedup: Double?

    enum CodingKeys: String, CodingKey {
      case id, model, batch, mode, status, error, latency, concurrent, speedup, accuracy
      case samplesPerSecond = "samples_per_second"
      case weightsBytes = "weights_bytes"
      case activationBytes = "activation_bytes"
      case activationMemory = "activation_memory"
      case maxAbsoluteDifference = "max_abs_diff"
    }

    func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      let entry = result.entry
      try container.encode(entry.id, forKey: .id)
      try container.encode(entry.model.name, forKey: .model)
      try container.encode(entry.batch, forKey: .batch)
      try container.encode(entry.mode.rawValue, forKey: .mode)
      switch result.outcome {
      case .failure(let failure):
        try container.encode("failed", forKey: .status)
        try container.encode(oneLine(failure.description), forKey: .error)
      case .success(let measurement):
        try container.encode("ok", forKey: .status)
        try container.encode(measurement.latency, forKey: .latency)
        try container.encodeIfPresent(measurement.concurrent, forKey: .concurrent)
        try container.encode(
          measurement.concurrent?.throughput ?? measurement.latency.throughput, forKey: .samplesPerSecond)
        try container.encode(speedup, forKey: .speedup)
        try container.encode(measurement.weightsBytes, forKey: .weightsBytes)
        try container.encode(measurement.activationBytes, forKey: .activationBytes)
        try container.encode(measurement.activationMemory, forKey: .activationMemory)
        try container.encode(measurement.accuracy, forKey: .accuracy)
        try container.encode(measurement.maxAbsoluteDifference, forKey: .maxAbsoluteDifference)
      }
    }
  }
}
