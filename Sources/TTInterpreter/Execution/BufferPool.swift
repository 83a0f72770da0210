import Synchronization

/// The float buffers of released intermediates, kept for the next node or run that needs one of
/// the same size.
///
/// Without it every node's output is a fresh allocation, and buffers above the allocator's
/// mapping threshold come from the kernel as new zeroed pages and go back to it when freed: on
/// LeNet-5 at batch 64 the page faults took five times as long as the kernels. With it, a run
/// writes into memory earlier runs already touched, as a compiled model writes into its arena.
///
/// An ``Interpreter`` owns one pool, bounded by what one run allocates in all, and makes it
/// ``current`` while it runs; ``Kernels/output(_:_:)`` takes from it, released slots give back.
/// Reuse is safe by construction: a buffer still shared with another value (a reshaped view, a
/// returned output) is copied on write like any Swift array, never overwritten.
final class BufferPool: Sendable {
  /// The pool of the interpreter running on this task, if any.
  @TaskLocal static var current: BufferPool?

  /// Buffers smaller than this many floats are left to the allocator (its small bins are fast).
  static let minimumCount = 4096

  private struct State {
    var free: [Int: [[Float]]] = [:]
    var floats = 0
  }

  private let capacity: Int
  private let state = Mutex(State())

  /// A pool that keeps at most `capacity` floats.
  init(capacity: Int) {
    self.capacity = capacity
  }

  /// A buffer of exactly `count` floats with unspecified contents, or nil when none is kept.
  func take(_ count: Int) -> [Float]? {
    guard count >= Self.minimumCount else { return nil }
    return state.withLock { state in
      guard let values = state.free[count]?.popLast() else { return nil }
      state.floats -= count
      return values
    }
  }

  /// Keeps `values` for a later ``take(_:)`` unless the pool is full or it is small.
  func give(_ values: [Float]) {
    let count = values.count
    guard count >= Self.minimumCount else { return }
    state.withLock { state in
      guard state.floats + count <= capacity else { return }
      state.free[count, default: []].append(values)
      state.floats += count
    }
  }
}
