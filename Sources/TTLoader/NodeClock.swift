import Glibc

/// When a compiled run started and when each of its nodes finished, read from the monotonic
/// clock by the library's observer hook (`tt_run_ex`'s `observe`), for per-node profiling.
///
/// The hook only reads the clock and stores one number per node, so timing costs one indirect
/// call per node; a library run without a clock (``CompiledModel/Session/run(_:observe:)`` with no
/// observer) runs exactly the code it always runs.
///
/// ```swift
/// let clock = NodeClock(nodeCount: model.nodeCount)
/// _ = try session.run(inputs, clock: clock)
/// let firstNode = clock.duration(ofNode: 0)   // seconds
/// ```
///
/// Not thread-safe: one clock per session.
public final class NodeClock {
  /// The number of nodes it has room for.
  public let nodeCount: Int
  /// `[start, finish of node 0, finish of node 1, …]` in nanoseconds; 0 = not finished.
  private let ticks: UnsafeMutablePointer<UInt64>
  /// `nodeCount` followed by the pointer to `ticks`, the context the C hook receives.
  private let storage: UnsafeMutablePointer<Storage>

  private struct Storage {
    var count: Int
    var ticks: UnsafeMutablePointer<UInt64>
  }

  /// A clock for a model of `nodeCount` nodes (``CompiledModel/nodeCount``).
  public init(nodeCount: Int) {
    self.nodeCount = max(nodeCount, 0)
    ticks = .allocate(capacity: self.nodeCount + 1)
    ticks.initialize(repeating: 0, count: self.nodeCount + 1)
    storage = .allocate(capacity: 1)
    storage.initialize(to: Storage(count: self.nodeCount, ticks: ticks))
  }

  deinit {
    ticks.deallocate()
    storage.deallocate()
  }

  /// The context pointer handed to the library.
  var context: UnsafeMutableRawPointer { UnsafeMutableRawPointer(storage) }

  /// Clears every mark and records the start.
  func reset() {
    ticks.update(repeating: 0, count: nodeCount + 1)
    ticks[0] = Self.now()
  }

  /// When node `index` finished, in seconds after the run started (nil if it did not finish).
  public func finish(ofNode index: Int) -> Double? {
    guard (0..<nodeCount).contains(index), ticks[index + 1] != 0 else { return nil }
    return Double(ticks[index + 1] &- ticks[0]) * 1e-9
  }

  /// How long node `index` took: from the previous node's finish (the start for node 0) to its
  /// own finish, in seconds (nil if it did not finish).
  public func duration(ofNode index: Int) -> Double? {
    guard let end = finish(ofNode: index) else { return nil }
    return end - (index == 0 ? 0 : finish(ofNode: index - 1) ?? 0)
  }

  /// The first node that did not finish (after a failed run: the node that failed), or nil when
  /// every node finished.
  public var unfinishedNode: Int? {
    (0..<nodeCount).first { ticks[$0 + 1] == 0 }
  }

  static func now() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
  }

  /// The `tt_observer` that stamps node `index`'s finish.
  static let trampoline:
    @convention(c) (Int32, UnsafePointer<CChar>?, Int32, UnsafeRawPointer?, Int64, UnsafeMutableRawPointer?)
      -> Void = { index, _, _, _, _, context in
        guard let storage = context?.assumingMemoryBound(to: Storage.self), index >= 0,
          Int(index) < storage.pointee.count
        else { return }
        storage.pointee.ticks[Int(index) + 1] = NodeClock.now()
      }
}
