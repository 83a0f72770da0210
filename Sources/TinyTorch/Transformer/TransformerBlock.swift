/// A pre-norm transformer block (GPT-2 style):
/// `x = x + Dropout(Attention(LayerNorm₁(x)));  x = x + FeedForward(LayerNorm₂(x))`.
public final class TransformerBlock: Module {
  /// The layer norm in front of the attention.
  public let attentionNorm: LayerNorm
  /// The self-attention.
  public let attention: MultiHeadAttention
  /// Dropout on the attention branch before it joins the residual stream.
  public let residualDropout: Dropout
  /// The layer norm in front of the feed-forward block.
  public let feedForwardNorm: LayerNorm
  /// The position-wise feed-forward block.
  public let feedForward: FeedForward
  /// Whether ``forward(_:)`` masks future positions (decoder blocks).
  public let isCausal: Bool

  /// - Parameters:
  ///   - dimension: the model width.
  ///   - headCount: the number of attention heads; it must divide `dimension`.
  ///   - hiddenDimension: feed-forward width (default `4 · dimension`).
  ///   - dropout: dropout probability of the attention weights and of both residual branches
  ///     (training mode only).
  ///   - isCausal: the default masking of ``forward(_:)``.
  ///   - fusedProjection: one `[D, 3D]` attention projection instead of three `[D, D]` ones.
  ///   - seed: seeds the initializers (each sublayer gets a derived seed).
  public init(
    dimension: Int, headCount: Int, hiddenDimension: Int? = nil, dropout: Float = 0,
    isCausal: Bool = false, fusedProjection: Bool = true, seed: UInt64? = nil
  ) {
    attentionNorm = LayerNorm(dimension)
    attention = MultiHeadAttention(
      dimension: dimension, headCount: headCount, fusedProjection: fusedProjection, dropout: dropout,
      seed: seed.map { $0 &+ 10 })
    residualDropout = Dropout(dropout, seed: seed.map { $0 &+ 20 })
    feedForwardNorm = LayerNorm(dimension)
    feedForward = FeedForward(
      dimension: dimension, hiddenDimension: hiddenDimension ?? 4 * dimension, dropout: dropout,
      seed: seed.map { $0 &+ 30 })
    self.isCausal = isCausal
    super.init()
  }

  /// The block applied to `[batch, length, dimension]` with the default ``isCausal`` masking.
  public override func forward(_ input: Tensor) throws -> Tensor {
    try forward(input, mask: nil, isCausal: isCausal)
  }

  /// The block with an explicit keep-mask, causality and optional KV cache (see
  /// ``MultiHeadAttention/forward(_:mask:isCausal:cache:layerIndex:)``).
  public func forward(
    _ input: Tensor, mask: Tensor?, isCausal: Bool, cache: KVCache? = nil, layerIndex: Int = 0
  ) throws -> Tensor {
    if InferenceFusion.isAllowed && residualDropout.isIdentity {
      // Inference: each residual sum is done by the GEMM of the branch's last projection.
      let x = try attention.forward(
        attentionNorm(input), mask: mask, isCausal: isCausal, cache: cache, layerIndex: layerIndex,
        adding: input)
      return try feedForward(feedForwardNorm(x), adding: x)
    }
    let attended = try attention.forward(
      attentionNorm(input), mask: mask, isCausal: isCausal, cache: cache, layerIndex: layerIndex)
    let x = try input + residualDropout(attended)
    return try x + feedForward(feedForwardNorm(x))
  }
}
