import TTRuntime

/// The threads the kernel library (Runtime/, shared by eager mode and the interpreter) uses inside
/// one kernel call.
///
/// GEMM and convolution split their register tiles over a persistent pool of workers (started
/// once, asleep between calls). The default, 1, runs every kernel on the calling thread, so nothing
/// competes for the cores unless asked. Results are bitwise identical for every count. Compiled
/// model libraries have their own pool (`CompiledModel.setThreads`).
public enum KernelThreads {
  /// The largest count accepted.
  public static let maximum = 256

  /// The thread count in effect.
  public static var count: Int { Int(tt_threads()) }

  /// Sets the thread count, clamped to `1...maximum`; returns the count in effect (fewer when the
  /// system refuses to start more threads).
  @discardableResult
  public static func set(_ threads: Int) -> Int {
    Int(tt_set_threads(Int32(min(max(threads, 1), maximum))))
  }
}
