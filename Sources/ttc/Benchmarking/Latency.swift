import Glibc

/// Per-call latencies of one engine and the statistics `ttc bench` reports.
struct Latency: Encodable {
  /// Timed calls.
  let runs: Int
  /// Median seconds per call.
  let median: Double
  /// 90th-percentile seconds per call.
  let p90: Double
  /// A 95% confidence interval of the median: distribution-free, from the order statistics of
  /// the samples (ranks n/2 ∓ 1.96·√n/2); with fewer than 6 samples it spans all of them.
  let ci95: ClosedRange<Double>
  /// Samples (batch rows) per second: at the median latency, or measured over wall time for
  /// concurrent callers.
  private(set) var throughput: Double

  /// Statistics of `samples` (seconds per call) for calls processing `batch` rows each.
  init(samples: [Double], batch: Int) {
    let sorted = samples.sorted()
    runs = sorted.count
    median = Latency.quantile(sorted, 0.5)
    p90 = Latency.quantile(sorted, 0.9)
    ci95 = Latency.medianInterval(sorted)
    throughput = Double(batch) / median
  }

  /// The larger distance from the median to an end of its confidence interval.
  var ci95HalfWidth: Double { max(median - ci95.lowerBound, ci95.upperBound - median) }

  /// The 95% confidence interval of the median of ascending `sorted` (see ``ci95``).
  static func medianInterval(_ sorted: [Double]) -> ClosedRange<Double> {
    // No samples (never timed): an empty-looking interval rather than a NaN range.
    guard let first = sorted.first, let last = sorted.last else { return 0...0 }
    let n = Double(sorted.count)
    let spread = 1.96 * n.squareRoot() / 2
    // 1-based ranks n/2 − spread and 1 + n/2 + spread, rounded outwards, clamped to the samples.
    let lower = Int((n / 2 - spread).rounded(.down))
    let upper = Int((1 + n / 2 + spread).rounded(.up))
    guard lower >= 1, upper <= sorted.count else { return first...last }
    return sorted[lower - 1]...sorted[upper - 1]
  }

  /// Aggregate statistics of concurrent callers that together made `calls` calls of `batch`
  /// rows in `seconds` of wall time; `samples` are their per-call latencies.
  init(samples: [Double], batch: Int, calls: Int, seconds: Double) {
    self.init(samples: samples, batch: batch)
    throughput = Double(calls * batch) / seconds
  }

  /// The `q` quantile of ascending `sorted` (nearest rank).
  static func quantile(_ sorted: [Double], _ q: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    return sorted[min(sorted.count - 1, Int((q * Double(sorted.count - 1)).rounded()))]
  }

  /// Calls `body` repeatedly and returns the seconds of each timed call: `warmUp` untimed calls
  /// first, then exactly `runs` calls when given, else calls until `budget` seconds have passed
  /// (at least 10, at most 1,000,000).
  static func measure(runs: Int?, budget: Double, warmUp: Int, _ body: () throws -> Void) throws -> [Double] {
    try withoutActuallyEscaping(body) { body in
      try interleave([body], runs: runs, budget: budget, warmUp: warmUp, rounds: 1)[0]
    }
  }

  /// Times several engines fairly on a shared, noisy machine: after `warmUp` untimed calls of
  /// each, the engines take turns in `rounds` rounds, each round giving every engine its share of
  /// the calls (`runs`) or of the time (`budget` seconds per engine), so that a change in
  /// background load affects all of them alike. `prepare(index)` runs untimed before each turn of
  /// engine `index` (e.g. to set its thread count). Returns the per-call seconds of each engine.
  static func interleave(
    _ bodies: [() throws -> Void], runs: Int?, budget: Double, warmUp: Int, rounds: Int = 20,
    prepare: (Int) throws -> Void = { _ in }
  ) throws -> [[Double]] {
    for (index, body) in bodies.enumerated() {
      try prepare(index)
      for _ in 0..<warmUp { try body() }
    }
    var samples = bodies.map { _ in [Double]() }
    for round in 0..<rounds {
      for (index, body) in bodies.enumerated() {
        let quota = runs.map { ($0 * (round + 1)) / rounds - ($0 * round) / rounds }
        if quota == 0 { continue }
        try prepare(index)
        let slice = budget / Double(rounds)
        let start = now()
        var count = 0
        while true {
          let before = now()
          try body()
          let after = now()
          samples[index].append(after - before)
          count += 1
          if let quota {
            if count >= quota { break }
          } else if (after - start >= slice && count >= 10 / rounds + 1) || samples[index].count >= 1_000_000
          {
            break
          }
        }
      }
    }
    return samples
  }

  /// Seconds of CPU time this process has used, all its threads together.
  static func processCPUTime() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
  }

  /// Monotonic seconds.
  static func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
  }
}
