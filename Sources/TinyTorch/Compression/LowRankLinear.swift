import TTIR

extension Linear {
  /// This layer as two thinner ones from the truncated SVD of its weight: `x·W + b ≈ (x·A)·B + b`
  /// with `A [in, r]` (no bias) and `B [r, out]` (this layer's bias), `r` the smallest rank
  /// keeping `energy` of `‖W‖_F²` (`TTIR.LowRankFactors`, the same factors as the graph pass
  /// `low-rank`). The dropped part has `‖W − A·B‖_F² ≤ (1 − energy)‖W‖_F²`.
  ///
  /// ```swift
  /// if let smaller = try model.hidden.lowRankFactorized(energy: 0.9) { print(smaller) }
  /// ```
  ///
  /// - Parameters:
  ///   - energy: the fraction of `‖W‖_F²` to keep, in `(0, 1]`.
  ///   - rank: a fixed rank instead of the energy threshold.
  /// - Returns: `Sequential(A, B)`, or nil when the two factors would hold at least as many values
  ///   as `W` (`r · (in + out) ≥ in · out`) and a fixed `rank` was not asked for.
  /// - Throws: `TensorError.invalidArgument` when `energy` is outside `(0, 1]`.
  public func lowRankFactorized(energy: Double, rank: Int? = nil) throws -> Sequential? {
    if let problem = LowRankFactors.problem(with: energy) {
      throw TensorError.invalidArgument("Linear.lowRankFactorized: \(problem)")
    }
    let factors = LowRankFactors(
      weight: weight.scalars, inFeatures: inFeatures, outFeatures: outFeatures, energy: energy, rank: rank)
    guard factors.savesBytes || rank != nil else { return nil }
    let first = Linear(inFeatures, factors.rank, bias: false)
    let second = Linear(factors.rank, outFeatures, bias: bias != nil)
    try first.weight.assign(Tensor(shape: [inFeatures, factors.rank], scalars: factors.first))
    try second.weight.assign(Tensor(shape: [factors.rank, outFeatures], scalars: factors.second))
    if let bias { try second.bias!.assign(bias) }
    return Sequential(first, second)
  }
}
