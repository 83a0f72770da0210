import ArgumentParser
import TTKernels
import TTLoader

/// `--threads N`: the kernel threads of one call (GEMM and convolution tiles split over a pool of
/// workers), for the interpreter and for a compiled library alike. Results do not depend on it.
struct ThreadFlags: ParsableArguments {
  @Option(
    parsing: .unconditional,
    help: ArgumentHelp(
      "Kernel threads per call, 1 to \(KernelThreads.maximum) (default 1: the machine may be shared).",
      valueName: "n"))
  var threads = 1

  func validate() throws {
    guard (1...KernelThreads.maximum).contains(threads) else {
      throw ValidationError("--threads must be between 1 and \(KernelThreads.maximum) (got \(threads))")
    }
  }

  /// Sets the interpreter's kernel threads and, if given, the compiled library's.
  func apply(to compiled: CompiledModel? = nil) throws {
    KernelThreads.set(threads)
    try compiled?.setThreads(threads)
  }
}
