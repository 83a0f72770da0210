/// One profiled unit: a graph node (interpreter, compiled) or a module call (eager), with its
/// static cost from ``TTIR/CostModel`` and its measured times.
public struct ProfiledNode: Sendable {
  /// The node name, or the module path for eager mode (`fc1`, `blocks.0.attention`).
  public var name: String
  /// The op (`linear`), or the module type for eager mode (`Linear`).
  public var kind: String
  /// The output type (`f32[64, 128]`).
  public var output: String
  /// Parameters (weight elements) the unit reads.
  public var parameterCount: Int
  /// FLOPs of one run (multiply-add = 2), from ``TTIR/CostModel``.
  public var flops: Int
  /// Bytes read (every input once) and written (the outputs), from ``TTIR/GraphAnalysis``.
  public var bytesRead: Int
  public var bytesWritten: Int
  /// When the unit started in each timed run, in seconds after that run started.
  public var starts: [Double]
  /// The unit's wall time in each timed run, in seconds.
  public var durations: [Double]

  /// Creates a profiled unit.
  public init(
    name: String, kind: String, output: String, parameterCount: Int = 0, flops: Int, bytesRead: Int,
    bytesWritten: Int, starts: [Double] = [], durations: [Double] = []
  ) {
    self.name = name
    self.kind = kind
    self.output = output
    self.parameterCount = parameterCount
    self.flops = flops
    self.bytesRead = bytesRead
    self.bytesWritten = bytesWritten
    self.starts = starts
    self.durations = durations
  }

  /// Bytes moved: read plus written.
  public var bytes: Int { bytesRead + bytesWritten }
  /// The median of ``durations`` in seconds.
  public var medianSeconds: Double { Statistics.median(durations) }
  /// FLOPs per byte moved (0 when no byte moves).
  public var arithmeticIntensity: Double { bytes > 0 ? Double(flops) / Double(bytes) : 0 }
  /// FLOPs per second at the median time, in GFLOP/s (0 for an untimed or instant unit).
  public var achievedGFLOPS: Double {
    let seconds = medianSeconds
    return seconds > 0 ? Double(flops) / seconds / 1e9 : 0
  }
}

/// The most memory a profiled run held at once, and how it was obtained.
public struct MemoryPeak: Sendable {
  /// How ``bytes`` was obtained.
  public enum Source: String, Sendable {
    /// Tensor buffers counted as they were allocated and freed during the run (eager: every
    /// `Tensor`'s storage; interpreter: every node output it holds).
    case measuredAllocations = "measured allocations"
    /// The compiled library's arena, planned at compile time by liveness (one workspace per call).
    case arenaPlan = "arena plan"
  }

  /// Peak bytes.
  public var bytes: Int
  /// Buffers live at the peak (0 where unknown).
  public var buffers: Int
  /// How it was obtained.
  public var source: Source
  /// Bytes allocated over the whole run (eager only; 0 elsewhere).
  public var totalAllocatedBytes: Int

  /// Creates a memory peak.
  public init(bytes: Int, buffers: Int = 0, source: Source, totalAllocatedBytes: Int = 0) {
    self.bytes = bytes
    self.buffers = buffers
    self.source = source
    self.totalAllocatedBytes = totalAllocatedBytes
  }
}

/// A named part of every timed run (eager training: `forward`, `backward`, `optimizer`).
public struct ProfiledPhase: Sendable {
  /// The phase name.
  public var name: String
  /// Its wall time in each timed run, in seconds.
  public var durations: [Double]
  /// FLOPs of the phase from ``TTIR/CostModel`` (0 where not counted).
  public var flops: Int

  /// Creates a phase.
  public init(name: String, durations: [Double], flops: Int) {
    self.name = name
    self.durations = durations
    self.flops = flops
  }

  /// The median of ``durations`` in seconds.
  public var medianSeconds: Double { Statistics.median(durations) }
}

/// The result of a ``Profiler`` run: per-unit costs and times, the whole run's median latency
/// after warm-up, parameters and peak memory.
public struct Profile: Sendable {
  /// The engine that ran.
  public var engine: Engine
  /// The model's name.
  public var model: String
  /// One entry per node (or module call), in execution order.
  public var nodes: [ProfiledNode]
  /// The wall time of each timed run, in seconds.
  public var runDurations: [Double]
  /// Untimed runs made first.
  public var warmup: Int
  /// Parts of each run (empty unless the run has phases, like an eager training step).
  public var phases: [ProfiledPhase]
  /// Parameters (weight elements) of the model.
  public var parameterCount: Int
  /// Bytes of those parameters.
  public var parameterBytes: Int
  /// FLOPs of one run (the sum over ``nodes``, or over ``phases`` when they carry FLOPs).
  public var totalFLOPs: Int
  /// The most memory held at once during a run.
  public var memory: MemoryPeak
  /// What the figures leave out, for the reader (e.g. the costs of an eager model that could not
  /// be traced).
  public var notes: [String]

  /// Creates a profile.
  public init(
    engine: Engine, model: String, nodes: [ProfiledNode], runDurations: [Double], warmup: Int,
    phases: [ProfiledPhase] = [], parameterCount: Int, parameterBytes: Int, totalFLOPs: Int,
    memory: MemoryPeak, notes: [String] = []
  ) {
    self.engine = engine
    self.model = model
    self.nodes = nodes
    self.runDurations = runDurations
    self.warmup = warmup
    self.phases = phases
    self.parameterCount = parameterCount
    self.parameterBytes = parameterBytes
    self.totalFLOPs = totalFLOPs
    self.memory = memory
    self.notes = notes
  }

  /// The median run time in seconds.
  public var medianSeconds: Double { Statistics.median(runDurations) }

  /// Each node's share of the sum of all nodes' median times, by node name (for pictures that
  /// colour nodes by time); 0 for every node when nothing was timed.
  public var timeShares: [String: Double] {
    let medians = nodes.map(\.medianSeconds)
    let total = medians.reduce(0, +)
    var shares: [String: Double] = [:]
    for (node, median) in zip(nodes, medians) {
      shares[node.name, default: 0] += total > 0 ? median / total : 0
    }
    return shares
  }
}

/// Medians of timing samples.
public enum Statistics {
  /// The median of `values` (the mean of the two middle values for an even count; 0 when empty).
  public static func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
  }
}
