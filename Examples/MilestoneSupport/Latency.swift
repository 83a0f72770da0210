import Foundation

/// Median seconds per call of each of `bodies`, measured side by side: every round runs each
/// body for about `roundSeconds` (short rounds mostly run within one scheduler time slice, also on
/// a busy machine), starting with another body each round, so background load hits them alike.
///
/// Each body is called 3 times first (warm-up) and once timed to size its calls per round
/// (1…`maxCalls`).
public func interleavedMedianLatencies(
  _ bodies: [() throws -> Void], rounds: Int, roundSeconds: Double = 0.0003, maxCalls: Int = 5000
) throws -> [Double] {
  try interleavedMedianTimes(bodies, rounds: rounds, roundSeconds: roundSeconds, maxCalls: maxCalls).map(
    \.wall)
}

/// The median wall-clock seconds and the median CPU seconds of the calling thread per call of each
/// of `bodies`, from the same interleaved rounds as ``interleavedMedianLatencies(_:rounds:roundSeconds:maxCalls:)``.
///
/// On a machine shared with other work, wall time counts the time slices other processes take;
/// the thread's CPU time does not (it still counts what they do to the caches). For work that runs
/// on the calling thread only (one kernel thread), it is the cost of the work itself.
public func interleavedMedianTimes(
  _ bodies: [() throws -> Void], rounds: Int, roundSeconds: Double = 0.0003, maxCalls: Int = 5000
) throws -> [(wall: Double, cpu: Double)] {
  var calls: [Int] = []
  for body in bodies {
    for _ in 0..<3 { try body() }
    let (_, seconds) = try timed(body)
    calls.append(max(1, min(maxCalls, Int(roundSeconds / max(seconds, 1e-7)))))
  }
  var wall = [[Double]](repeating: [], count: bodies.count)
  var cpu = wall
  for round in 0..<rounds {
    for offset in bodies.indices {
      let k = (round + offset) % bodies.count
      let cpuStart = threadCPUSeconds()
      let (_, seconds) = try timed { for _ in 0..<calls[k] { try bodies[k]() } }
      cpu[k].append((threadCPUSeconds() - cpuStart) / Double(calls[k]))
      wall[k].append(seconds / Double(calls[k]))
    }
  }
  return bodies.indices.map { (wall: median(wall[$0]), cpu: median(cpu[$0])) }
}

/// The median of timing samples (the upper middle value for an even count); `values` must not be
/// empty.
public func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

/// CPU seconds the calling thread has used (`CLOCK_THREAD_CPUTIME_ID`).
public func threadCPUSeconds() -> Double {
  var time = timespec()
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
  return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}
