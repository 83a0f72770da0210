import Foundation
import TTIR
import TTLoader

extension Latency {
  /// `threads` callers running `model` on `inputs` at once, each with its own session (and so its
  /// own workspace), for `runs` calls each or for `budget` seconds: their per-call latencies and
  /// the aggregate throughput over the wall time.
  static func concurrent(
    _ model: CompiledModel, _ inputs: [TensorData], threads: Int, runs: Int?, budget: Double, batch: Int
  ) throws -> Latency {
    let results = ThreadResults(count: threads)
    let start = now()
    DispatchQueue.concurrentPerform(iterations: threads) { index in
      let session = model.makeSession()
      do {
        let samples = try measure(runs: runs, budget: budget, warmUp: 10) { _ = try session.run(inputs) }
        results.store(index, .success(samples))
      } catch {
        results.store(index, .failure(error))
      }
    }
    let wall = now() - start
    let samples = try results.all().flatMap { try $0.get() }
    return Latency(samples: samples, batch: batch, calls: samples.count, seconds: wall)
  }
}

/// Per-thread results of a concurrent run, written once per index.
private final class ThreadResults: @unchecked Sendable {
  private var values: [Result<[Double], any Error>?]
  private let lock = NSLock()

  init(count: Int) { values = Array(repeating: nil, count: count) }

  func store(_ index: Int, _ value: Result<[Double], any Error>) {
    lock.withLock { values[index] = value }
  }

  func all() -> [Result<[Double], any Error>] { lock.withLock { values.compactMap { $0 } } }
}
