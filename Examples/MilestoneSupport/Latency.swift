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
  var calls: [Int] = []
  for body in bodies {
    for _ in 0..<3 { try body() }
    let (_, seconds) = try timed(body)
    calls.append(max(1, min(maxCalls, Int(roundSeconds / max(seconds, 1e-7)))))
  }
  var samples = [[Double]](repeating: [], count: bodies.count)
  for round in 0..<rounds {
    for offset in bodies.indices {
      let k = (round + offset) % bodies.count
      let (_, seconds) = try timed { for _ in 0..<calls[k] { try bodies[k]() } }
      samples[k].append(seconds / Double(calls[k]))
    }
  }
  return samples.map { $0.sorted()[$0.count / 2] }
}
