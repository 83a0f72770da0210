/// The position-wise feed-forward block of a transformer:
/// `Linear(dimension, hidden) → GELU → Linear(hidden, dimension) → Dropout`.
public final class FeedForward: Module {
  /// The inner layer, `[dimension, hiddenDimension]`.
  public let expand: Linear
  /// The outer layer, `[hiddenDimension, dimension]`.
  public let contract: Linear
  /// Dropout on the block's output (training mode only).
  public let dropout: Dropout
  /// How the GELU between the layers is evaluated.
  public let approximation: Tensor.GELUApproximation

  /// - Parameters:
  ///   - dimension: the model width (input and output).
  ///   - hiddenDimension: width of the inner layer (commonly `4 · dimension`).
  ///   - dropout: probability applied to the output in training mode.
  ///   - approximation: how the GELU between the layers is evaluated.
  ///   - seed: seeds the initializers (each layer gets a derived seed).
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

  /// `residual + forward(input)`, called as this module (observed like
  /// ``Module/callAsFunction(_:)``). When ``InferenceFusion/isAllowed`` and the dropout is the
  /// identity, the GELU and the residual sum are applied by the two layers' GEMMs as they store
  /// their products (see ``Linear/callAsFunction(_:adding:activation:)``).
  func callAsFunction(_ input: Tensor, adding residual: Tensor) throws -> Tensor {
    try observedCall {
      guard InferenceFusion.isAllowed, dropout.isIdentity else { return try residual + forward(input) }
      let hidden = try expand(input, adding: nil, activation: .gelu(approximation))
      return try contract(hidden, adding: residual)
    }
  }
}
