import Foundation

/// Profiles a model in any of the three engines with one cost model (``TTIR/CostModel``): per
/// node (or module) FLOPs, bytes and parameters, per-node median time after warm-up, the whole
/// run's median latency, and the peak memory held at once.
///
/// ```swift
/// let profiler = Profiler(warmup: 2, runs: 20)
/// let interpreted = try profiler.profile(Interpreter(graph: graph), inputs: ["x": x])
/// let compiled = try profiler.profile(library, graph: graph, inputs: [x.tensorData])
/// let eager = try profiler.profile(model, input: tensor)            // per module call
/// let step = try profiler.profileTrainingStep(model, input: x, target: y, loss: Loss.crossEntropy,
///                                             optimizer: optimizer)    // forward / backward split
/// let roofline = Roofline(try MachinePeak.cachedOrMeasured())
/// for node in compiled.nodes { print(node.name, roofline.point(for: node).achievedGFLOPS) }
/// try ChromeTrace.json(compiled).write(toFile: "trace.json", atomically: true, encoding: .utf8)
/// ```
public struct Profiler: Sendable {
  /// Untimed runs before the timed ones.
  public var warmup: Int
  /// Timed runs; medians are taken over them.
  public var runs: Int

  /// A profiler making `warmup` untimed runs, then `runs` timed runs (at least 1).
  public init(warmup: Int = 1, runs: Int = 10) {
    self.warmup = max(warmup, 0)
    self.runs = max(runs, 1)
  }
}

/// Seconds on the monotonic clock (for differences only).
func monotonicSeconds() -> Double {
  Double(DispatchTime.now().uptimeNanoseconds) * 1e-9
}
