import TTIR

/// A registered pass: its name and purpose, and how to make it from ``PassOptions``.
public struct PassRegistration: Sendable {
  /// The pass's name.
  public let name: String
  /// The pass's one-line purpose.
  public let purpose: String
  /// Makes the pass.
  public let make: @Sendable (PassOptions) throws(PassError) -> any Pass

  /// Registers `type`, made by `make`.
  public init<P: Pass>(_ type: P.Type, make: @escaping @Sendable (PassOptions) throws(PassError) -> P) {
    name = P.name
    purpose = P.purpose
    self.make = { options throws(PassError) in try make(options) }
  }
}

/// Every pass `ttc` and ``Pipeline/named(_:options:name:)`` know by name (`ttc passes` lists
/// them). A helper adding a pass appends one line here.
public enum PassRegistry {
  /// All passes, in the order `ttc passes` lists them.
  public static let all: [PassRegistration] = [
    PassRegistration(SpecializeBatch.self) { options throws(PassError) in
      guard let batchSize = options.batchSize else {
        throw .missingOption(pass: SpecializeBatch.name, "a batch size (--batch N)")
      }
      return SpecializeBatch(batchSize: batchSize)
    },
    PassRegistration(FoldConstants.self) { _ in FoldConstants() },
    PassRegistration(Simplify.self) { _ in Simplify() },
    PassRegistration(FoldBatchNorm.self) { _ in FoldBatchNorm() },
    PassRegistration(EliminateCommonSubexpressions.self) { _ in EliminateCommonSubexpressions() },
    PassRegistration(DeadCodeElimination.self) { _ in DeadCodeElimination() },
    PassRegistration(DropUnusedWeights.self) { _ in DropUnusedWeights() },
    PassRegistration(RecomposeOps.self) { _ in RecomposeOps() },
    PassRegistration(FuseAttention.self) { _ in FuseAttention() },
    PassRegistration(FuseElementwise.self) { _ in FuseElementwise() },
    PassRegistration(FuseEpilogue.self) { _ in FuseEpilogue() },
    PassRegistration(PackWeights.self) { _ in PackWeights() },
    PassRegistration(PruneMagnitude.self) { options throws(PassError) in
      guard let sparsity = options.pruneSparsity else {
        throw .missingOption(pass: PruneMagnitude.name, "a sparsity (--prune S)")
      }
      if let problem = PruningRanking.problem(with: sparsity, named: "sparsity") {
        throw .invalidOption(pass: PruneMagnitude.name, problem)
      }
      return PruneMagnitude(sparsity: sparsity, scope: options.pruneScope)
    },
    PassRegistration(PruneStructured.self) { options throws(PassError) in
      guard let fraction = options.pruneStructured else {
        throw .missingOption(pass: PruneStructured.name, "a fraction (--prune-structured F)")
      }
      if let problem = PruningRanking.problem(with: fraction, named: "fraction") {
        throw .invalidOption(pass: PruneStructured.name, problem)
      }
      return PruneStructured(fraction: fraction, norm: options.pruneNorm)
    },
    PassRegistration(LowRankFactorize.self) { options throws(PassError) in
      guard let energy = options.lowRankEnergy else {
        throw .missingOption(pass: LowRankFactorize.name, "an energy (--low-rank E)")
      }
      if let problem = LowRankFactors.problem(with: energy) {
        throw .invalidOption(pass: LowRankFactorize.name, problem)
      }
      return LowRankFactorize(energy: energy)
    },
    PassRegistration(Sparsify.self) { options in Sparsify(threshold: options.sparsifyThreshold) },
    PassRegistration(QuantizeFP16.self) { _ in QuantizeFP16() },
    PassRegistration(QuantizeInt8Dynamic.self) { _ in QuantizeInt8Dynamic() },
    PassRegistration(QuantizeInt8Static.self) { options throws(PassError) in
      guard let ranges = options.activationRanges else {
        throw .missingOption(
          pass: QuantizeInt8Static.name,
          "calibrated activation ranges (ttc: --quantize int8 --calibrate samples.npy)")
      }
      return QuantizeInt8Static(ranges: ranges)
    },
  ]

  /// The registration called `name`.
  ///
  /// - Throws: ``PassError/unknownPass(_:known:)`` listing every known name.
  public static func registration(named name: String) throws(PassError) -> PassRegistration {
    guard let registration = all.first(where: { $0.name == name }) else {
      throw .unknownPass(name, known: all.map(\.name))
    }
    return registration
  }
}
