import Synchronization

/// Frees autograd graphs iteratively.
///
/// A tensor owns its ``GradFunction``, which owns the input tensors, which own theirs. Left to
/// itself, releasing the output of an N-op chain runs N nested deinitializers: a 20,000-op chain
/// overflows an 8 MiB main-thread stack and a 10,000-op chain a 512 KiB secondary-thread stack.
/// Instead, a dying tensor moves its grad function into this queue, and only the outermost
/// release drains it, in a loop; deinitializers that run during the drain merely enqueue.
enum GraphRelease {
  /// The queue holds and drops references only (reference counting is atomic), so grad
  /// functions may be handed over from any thread.
  private struct Entry: @unchecked Sendable {
    let function: GradFunction
  }

  private struct State: ~Copyable {
    var pending: [Entry] = []
    var draining = false
  }

  private static let state = Mutex(State())

  /// Takes a reference to `function`. Returns true when the caller must ``drain()`` the queue
  /// (no drain is in progress), after dropping its own references.
  static func enqueue(_ function: GradFunction) -> Bool {
    let entry = Entry(function: function)
    return state.withLock { state in
      state.pending.append(entry)
      if state.draining { return false }
      state.draining = true
      return true
    }
  }

  /// Drops queued grad functions, one at a time and outside the lock, until none is left.
  static func drain() {
    while next() != nil {}
  }

  private static func next() -> Entry? {
    state.withLock { state in
      if let entry = state.pending.popLast() { return entry }
      state.draining = false
      return nil
    }
  }
}
