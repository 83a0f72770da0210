/// The position-wise feed-forward block of a transformer:
/// `Linear(dimension, hidden) → GELU → Linear(hidden, dimension) → Dropout`.
public final class FeedForward: Module {
  public let expand: Linear
  public let contract: Linear
  public let dropout: Dropout
  public let approximation: Tensor.GELUApproximation

  /// - Parameters:
  ///   - hiddenDimension: width of the inner layer (commonly `4 · dimension`).
  ///   - dropout: probability applied to the output in training mode.
  public init(
    dimension: Int, hiddenDimension: Int, dropout: Float = 0,
    approximation: Tensor.GELUApproximation = .tanh, seed: UInt64? = nil
  ) {
    expand = Linear(dimension, hiddenDimension, initialization: .xavierUniform, seed: seed.map { $0 &+ 1 })
    contract = Linear(hiddenDimension, dimension, initialization: .xavierUniform, seed: seed.map { $0 &+ 2 })
    self.dropout = Dropout(dropout, seed: seed.map { $0 &+ 3 })
    self.approximation = approximation
    super.init()
  }

  public override func forward(_ input: Tensor) throws -> Tensor {
    try dropout(contract(expand(input).gelu(approximation: approximation)))
  }
}
