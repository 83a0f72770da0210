import Foundation

/// The machine a measurement ran on, for reports and for keying cached measurements:
/// `machine: AMD EPYC … (2 cores)`.
public struct Machine: Encodable, Sendable {
  /// The CPU model name from `/proc/cpuinfo` (`unknown CPU` elsewhere).
  public let cpu: String
  /// Online logical cores.
  public let cores: Int
  /// The CPU features that decide which kernels run (`avx2 avx512f fma …`), sorted; empty where
  /// `/proc/cpuinfo` has no flags line.
  public let features: [String]

  /// The features ``features`` reports when the CPU has them.
  static let relevantFeatures: Set<String> = [
    "sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512dq", "avx512vl",
    "avx512_vnni", "avx_vnni", "asimd", "neon",
  ]

  /// The current machine.
  public static var current: Machine {
    let lines = ((try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? "").split(separator: "\n")
    func field(_ name: String) -> String? {
      lines.first { $0.hasPrefix(name) }.flatMap { $0.split(separator: ":", maxSplits: 1).last }
        .map { $0.trimmingCharacters(in: .whitespaces) }
    }
    let flags = Set((field("flags") ?? field("Features") ?? "").split(separator: " ").map(String.init))
    return Machine(
      cpu: field("model name") ?? "unknown CPU", cores: ProcessInfo.processInfo.activeProcessorCount,
      features: flags.intersection(relevantFeatures).sorted())
  }

  /// `machine: <cpu> (<n> cores)`.
  public var line: String { "machine: \(cpu) (\(cores) \(cores == 1 ? "core" : "cores"))" }
}
