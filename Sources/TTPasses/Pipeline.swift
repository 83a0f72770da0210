import TTIR

/// The optimization levels of `ttc compile`, `run` and `bench`: `-O0`, `-O1`, `-O2`.
public enum OptimizationLevel: String, CaseIterable, Sendable {
  /// No passes (batch re-specialization still runs when a batch size is asked for).
  case O0
  /// The exact rewrites: outputs within 1e-6 relative of the unoptimized graph.
  case O1
  /// The exact rewrites and fusion (the default).
  case O2

  /// The passes of this level, by registered name, in order.
  public var passNames: [String] {
    switch self {
    case .O0: []
    case .O1: Pipeline.exactPasses + Pipeline.layoutPasses
    case .O2: Pipeline.exactPasses + Pipeline.fusionPasses + Pipeline.layoutPasses
    }
  }
}

/// What configures the passes of a pipeline: typed values that passes read when they are made.
///
/// A pass that needs a new setting adds a field here (with a default) and reads it in its
/// ``PassRegistration`` factory.
public struct PassOptions: Sendable {
  /// Re-specialize the leading (batch) dimension of every input to this size; when set, every
  /// pipeline starts with `specialize-batch`.
  public var batchSize: Int?
  /// Evaluates a node on constant inputs, for constant folding (nil: constants are not folded).
  public var evaluator: ConstantEvaluator?
  /// Prune every `linear` and `conv2d` weight to this sparsity by magnitude, then store sparse
  /// `linear` weights sparse (sliced or CSR): when set, pipelines run `prune-magnitude` and `sparsify` first.
  public var pruneSparsity: Double?
  /// Whether `prune-magnitude` ranks each weight on its own or all of them together.
  public var pruneScope: PruningScope
  /// Remove this fraction of the neurons/channels of every layer feeding another layer: when
  /// set, pipelines run `prune-structured` first.
  public var pruneStructured: Double?
  /// The norm `prune-structured` ranks units by.
  public var pruneNorm: PruningNorm
  /// Factor every `linear` weight by truncated SVD keeping this fraction of its energy (squared
  /// Frobenius norm), where that saves bytes: when set, pipelines run `low-rank` first (after
  /// structured pruning).
  public var lowRankEnergy: Double?
  /// The fraction of zeros from which `sparsify` stores a `linear` weight sparse.
  public var sparsifyThreshold: Double
  /// Calibrated activation ranges for `quantize-int8-static` (see ``QuantizeInt8Static``).
  public var activationRanges: [String: ClosedRange<Float>]?

  /// Options; everything off by default.
  public init(
    batchSize: Int? = nil, evaluator: ConstantEvaluator? = nil, pruneSparsity: Double? = nil,
    pruneScope: PruningScope = .layer, pruneStructured: Double? = nil, pruneNorm: PruningNorm = .l1,
    lowRankEnergy: Double? = nil,
    sparsifyThreshold: Double = 0.8, activationRanges: [String: ClosedRange<Float>]? = nil
  ) {
    self.batchSize = batchSize
    self.evaluator = evaluator
    self.pruneSparsity = pruneSparsity
    self.pruneScope = pruneScope
    self.pruneStructured = pruneStructured
    self.pruneNorm = pruneNorm
    self.lowRankEnergy = lowRankEnergy
    self.sparsifyThreshold = sparsifyThreshold
    self.activationRanges = activationRanges
  }

  /// The compression passes these options ask for, in the order they run (structured pruning
  /// first, so that low-rank factorization and magnitude pruning see the weights that remain).
  var pruningPasses: [String] {
    (pruneStructured != nil ? [PruneStructured.name] : [])
      + (lowRankEnergy != nil ? [LowRankFactorize.name] : [])
      + (pruneSparsity != nil ? [PruneMagnitude.name, Sparsify.name] : [])
  }
}

/// An ordered list of passes with the options they were made with.
public struct Pipeline: Sendable {
  /// How the pipeline was asked for: `O0`, `O1`, `O2` or `custom`.
  public var name: String
  /// The passes, in order.
  public var passes: [any Pass]
  /// The options the passes were made with.
  public var options: PassOptions

  /// The exact passes (`-O1`), in order. A helper adding an exact pass appends its name here.
  public static let exactPasses: [String] = [
    "fold-constants", "simplify", "fold-batch-norm", "cse", "dce", "drop-unused-weights",
  ]

  /// The fusion passes `-O2` adds after the exact ones. A helper adding a fusion pass appends its
  /// name here.
  public static let fusionPasses: [String] = [
    "recompose-ops", "fuse-attention", "fuse-elementwise", "fuse-epilogue",
  ]

  /// The passes both `-O1` and `-O2` end with: they choose how the final graph's weights are
  /// stored for its kernels (exact: the same products), after every pass that rewrites nodes.
  public static let layoutPasses: [String] = ["pack-weights"]

  /// A pipeline of the given passes.
  public init(name: String, passes: [any Pass], options: PassOptions = PassOptions()) {
    self.name = name
    self.passes = passes
    self.options = options
  }

  /// The pipeline of an optimization level, preceded by `specialize-batch` when
  /// `options.batchSize` is set and by the pruning passes the options ask for.
  public static func level(_ level: OptimizationLevel, options: PassOptions = PassOptions()) throws(PassError)
    -> Pipeline
  {
    try named(level.passNames, options: options, name: level.rawValue)
  }

  /// The pipeline of the passes called `names` (as `--passes a,b,c` gives them), preceded by
  /// `specialize-batch` when `options.batchSize` is set and by the pruning passes the options ask
  /// for (``PassOptions/pruneSparsity``, ``PassOptions/pruneStructured``,
  /// ``PassOptions/lowRankEnergy``).
  ///
  /// - Throws: ``PassError/unknownPass(_:known:)`` listing the known names.
  public static func named(_ names: [String], options: PassOptions = PassOptions(), name: String = "custom")
    throws(PassError) -> Pipeline
  {
    let batch =
      options.batchSize != nil && !names.contains(SpecializeBatch.name) ? [SpecializeBatch.name] : []
    let pruning = options.pruningPasses.filter { !names.contains($0) }
    var passes: [any Pass] = []
    for passName in batch + pruning + names {
      passes.append(try PassRegistry.registration(named: passName).make(options))
    }
    return Pipeline(name: name, passes: passes, options: options)
  }

  /// `O2: specialize-batch(batch=64),dce,…`: the level and every pass with its options, as
  /// recorded in the compile-cache key.
  public var description: String {
    "\(name): \(passes.map(\.label).joined(separator: ","))"
  }
}
