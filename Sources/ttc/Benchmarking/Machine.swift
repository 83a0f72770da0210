import Foundation
import TTKernels

/// The machine a benchmark ran on, for its report: `Intel(R) Xeon(R) … (2 cores)`.
struct Machine: Encodable {
  /// The CPU model name from `/proc/cpuinfo` (`unknown CPU` elsewhere).
  let cpu: String
  /// Online logical cores.
  let cores: Int
  /// The widest kernel path of the runtime on this CPU (`avx512`, `avx2+fma`, `portable`) and
  /// the int8 kernel's (`avx512-vnni`, …).
  let isa: String
  let int8Kernel: String

  enum CodingKeys: String, CodingKey {
    case cpu, cores, isa
    case int8Kernel = "int8_kernel"
  }

  /// The current machine.
  static var current: Machine {
    let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    let model = info.split(separator: "\n").first { $0.hasPrefix("model name") }
      .flatMap { $0.split(separator: ":", maxSplits: 1).last }
      .map { $0.trimmingCharacters(in: .whitespaces) }
    return Machine(
      cpu: model ?? "unknown CPU", cores: ProcessInfo.processInfo.activeProcessorCount, isa: Peak.bestPath,
      int8Kernel: QuantizedLinear.KernelPath.automatic.resolved.name)
  }

  /// `<cpu>, <n> cores, kernels avx512, int8 avx512-vnni`: the line reports show.
  var description: String {
    "\(cpu), \(cores) \(cores == 1 ? "core" : "cores"), kernels \(isa), int8 \(int8Kernel)"
  }

  /// `machine: <cpu> (<n> cores)`.
  var line: String { "machine: \(cpu) (\(cores) \(cores == 1 ? "core" : "cores"))" }
}
