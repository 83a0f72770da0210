/// A decoder-only transformer language model (GPT-2 layout): token embeddings plus learned
/// position embeddings, `layerCount` causal pre-norm ``TransformerBlock``s, a final
/// ``LayerNorm`` and a linear output head over the vocabulary (optionally tied to the token
/// embedding table).
///
/// ```swift
/// let gpt = GPT(.init(vocabularySize: 65, dimension: 128, layerCount: 2, headCount: 4,
///                         maxSequenceLength: 64), seed: 0)
/// let logits = try gpt(Tensor.tokenIDs([[1, 2, 3]]))          // [1, 3, 65]
/// let text = try gpt.generate(prompt: [1, 2, 3], maxNewTokens: 20, temperature: 0.8, seed: 1)
/// ```
public final class GPT: Module {
  /// Model sizes and options.
  public struct Configuration: Sendable, Equatable {
    /// Number of token ids (`0..<vocabularySize`).
    public var vocabularySize: Int
    /// Model width (embedding size).
    public var dimension: Int
    /// Number of transformer blocks.
    public var layerCount: Int
    /// Attention heads per block; `dimension` must be a multiple of it.
    public var headCount: Int
    /// Size of the position table: the longest context the model can see.
    public var maxSequenceLength: Int
    /// Feed-forward width as a multiple of `dimension`.
    public var feedForwardMultiplier: Int
    /// Dropout after the embeddings, on attention weights and on both residual branches of every
    /// block (training mode only).
    public var dropout: Float
    /// Use the token embedding table (transposed) as the output head.
    public var tieWeights: Bool
    /// One fused query/key/value projection per block instead of three.
    public var fusedProjection: Bool

    /// A configuration; by default a 4× feed-forward width, no dropout, an untied output head
    /// and fused projections.
    public init(
      vocabularySize: Int, dimension: Int, layerCount: Int, headCount: Int, maxSequenceLength: Int,
      feedForwardMultiplier: Int = 4, dropout: Float = 0, tieWeights: Bool = false,
      fusedProjection: Bool = true
    ) {
      self.vocabularySize = vocabularySize
      self.dimension = dimension
      self.layerCount = layerCount
      self.headCount = headCount
      self.maxSequenceLength = maxSequenceLength
      self.feedForwardMultiplier = feedForwardMultiplier
      self.dropout = dropout
      self.tieWeights = tieWeights
      self.fusedProjection = fusedProjection
    }

    /// Throws, naming the field, when a size is not positive, `dimension` is not a multiple of
    /// `headCount`, or `dropout` is outside `[0, 1)`.
    public func validate() throws {
      let sizes = [
        ("vocabularySize", vocabularySize), ("dimension", dimension), ("layerCount", layerCount),
        ("maxSequenceLength", maxSequenceLength), ("feedForwardMultiplier", feedForwardMultiplier),
      ]
      for (name, value) in sizes {
        try ArgumentCheck.require(value > 0, "GPT.Configuration: \(name) must be positive, got \(value)")
      }
      try MultiHeadAttention.validate(dimension: dimension, headCount: headCount)
      try ArgumentCheck.require(
        (0..<1).contains(dropout), "GPT.Configuration: dropout must be in [0, 1), got \(dropout)")
    }
  }

  /// The sizes and options the model was built with.
  public let configuration: Configuration
  /// The token table `[vocabularySize, dimension]`.
  public let tokenEmbedding: Embedding
  /// The learned position table `[maxSequenceLength, dimension]`.
  public let positionEmbedding: PositionalEmbedding
  /// Dropout on the summed embeddings (training mode only).
  public let embeddingDropout: Dropout
  /// The causal transformer blocks, in order.
  public let blocks: [TransformerBlock]
  /// The layer norm before the output head.
  public let finalNorm: LayerNorm
  /// The output head `[dimension, vocabularySize]`; nil when tied to ``tokenEmbedding``.
  public let head: Linear?

  /// Builds a model with freshly initialized weights.
  ///
  /// An invalid configuration is a programming error: the program stops with the message of
  /// ``Configuration/validate()``, which callers with configurations from data run first.
  public init(_ configuration: Configuration, seed: UInt64? = nil) {
    let c = configuration
    ArgumentCheck.orStop { try c.validate() }
    self.configuration = c
    func derived(_ k: UInt64) -> UInt64? { seed.map { $0 &* 1000 &+ k } }
    tokenEmbedding = Embedding(
      vocabularySize: c.vocabularySize, dimension: c.dimension, std: 0.1, seed: derived(1))
    positionEmbedding = PositionalEmbedding(
      maxLength: c.maxSequenceLength, dimension: c.dimension, std: 0.1, seed: derived(2))
    embeddingDropout = Dropout(c.dropout, seed: derived(3))
    blocks = (0..<c.layerCount).map { i in
      TransformerBlock(
        dimension: c.dimension, headCount: c.headCount,
        hiddenDimension: c.feedForwardMultiplier * c.dimension,
        dropout: c.dropout, isCausal: true, fusedProjection: c.fusedProjection,
        seed: derived(100 * UInt64(i + 1)))
    }
    finalNorm = LayerNorm(c.dimension)
    head =
      c.tieWeights
      ? nil
      : Linear(c.dimension, c.vocabularySize, bias: false, initialization: .xavierUniform, seed: derived(4))
    super.init()
  }

  /// Logits `[batch, length, vocabularySize]` for token ids `[batch, length]`.
  public override func forward(_ ids: Tensor) throws -> Tensor { try forward(ids, cache: nil) }

  /// Logits for `ids` `[batch, length]`. With a `cache`, the ids continue the cached positions
  /// (position embeddings start at `cache.length`), their keys/values are appended, and the
  /// cache advances by `length`.
  /// - Throws: for ids outside the vocabulary, or when the positions exceed
  ///   ``Configuration/maxSequenceLength`` (or the cache's capacity).
  public func forward(_ ids: Tensor, cache: KVCache?) throws -> Tensor {
    guard ids.rank == 2 else {
      throw TensorError.invalidArgument("GPT: token ids must have shape [batch, length], got \(ids.shape)")
    }
    let offset = cache?.length ?? 0
    var x = try positionEmbedding.forward(tokenEmbedding(ids), offset: offset)
    x = try embeddingDropout(x)
    for (i, block) in blocks.enumerated() {
      x = try block.forward(x, mask: nil, isCausal: true, cache: cache, layerIndex: i)
    }
    x = try finalNorm(x)
    try cache?.advance(by: ids.shape[1])
    if let head { return try head(x) }
    return try x.matmul(tokenEmbedding.weight.transposed())
  }

  /// The mean next-token cross-entropy (nats per token) of `inputs` predicting `targets`
  /// (both `[batch, length]`).
  public func loss(inputs: Tensor, targets: Tensor) throws -> Tensor {
    guard inputs.shape == targets.shape else {
      throw TensorError.shapeMismatch(op: "GPT loss", inputs.shape, targets.shape)
    }
    let logits = try forward(inputs)
    return try Loss.crossEntropy(
      logits.reshaped([-1, configuration.vocabularySize]), targets.reshaped([-1]))
  }

  /// A KV cache sized for this model (`maxSequenceLength` positions).
  public func makeCache(batchSize: Int = 1) -> KVCache {
    let c = configuration
    return KVCache(
      layerCount: c.layerCount, batchSize: batchSize, headCount: c.headCount,
      maxLength: c.maxSequenceLength, headDimension: c.dimension / c.headCount)
  }
}
