import Dispatch

/// Runs `body(chunk)` for `chunks` chunks, in parallel when the work is large enough.
///
/// `work` is a rough cost estimate (e.g. multiply-adds); below `minimumWork` everything
/// runs on the calling thread, because waking a second core costs more than it saves.
@inlinable
public func parallelFor(
  chunks: Int, work: Int, minimumWork: Int = 1 << 18, _ body: (Int) -> Void
) {
  if chunks <= 1 || work < minimumWork {
    for c in 0..<chunks { body(c) }
  } else {
    withoutActuallyEscaping(body) { body in
      nonisolated(unsafe) let body = body
      DispatchQueue.concurrentPerform(iterations: chunks) { body($0) }
    }
  }
}
