import TTKernels
import TTProfiler

extension Machine {
  /// The widest fp32 kernel path of the runtime on this CPU: `avx512`, `avx2+fma` or `portable`.
  var kernelPath: String { MachinePeak.Path.best.resolved.rawValue }

  /// The int8 kernel path on this CPU (`avx512-vnni`, …).
  var int8KernelPath: String { QuantizedLinear.KernelPath.automatic.resolved.name }

  /// `<cpu>, <n> cores, kernels avx512, int8 avx512-vnni`: the line benchmark reports show.
  var summary: String {
    "\(cpu), \(cores) \(cores == 1 ? "core" : "cores"), kernels \(kernelPath), int8 \(int8KernelPath)"
  }
}
