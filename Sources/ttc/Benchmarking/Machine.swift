import Foundation

/// The machine a benchmark ran on, for its report: `Intel(R) Xeon(R) … (2 cores)`.
struct Machine: Encodable {
  /// The CPU model name from `/proc/cpuinfo` (`unknown CPU` elsewhere).
  let cpu: String
  /// Online logical cores.
  let cores: Int

  /// The current machine.
  static var current: Machine {
    let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    let model = info.split(separator: "\n").first { $0.hasPrefix("model name") }
      .flatMap { $0.split(separator: ":", maxSplits: 1).last }
      .map { $0.trimmingCharacters(in: .whitespaces) }
    return Machine(cpu: model ?? "unknown CPU", cores: ProcessInfo.processInfo.activeProcessorCount)
  }

  /// `machine: <cpu> (<n> cores)`.
  var line: String { "machine: \(cpu) (\(cores) \(cores == 1 ? "core" : "cores"))" }
}
