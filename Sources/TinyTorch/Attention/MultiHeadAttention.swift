/// Multi-head self-attention (Vaswani et al. 2017): project to queries, keys and values, split
/// the width into `headCount` heads, attend per head, concatenate and project back.
///
/// Projections are either one fused `Linear(dimension, 3·dimension)` (columns: queries, keys,
/// values) or three separate `Linear(dimension, dimension)` layers; both compute the same
/// function. Input and output have shape `[batch, length, dimension]`.
public final class MultiHeadAttention: Module {
  /// The fused query/key/value projection `[dimension, 3·dimension]`, when fused.
  public let inputProjection: Linear?
  /// The query projection `[dimension, dimension]`, when not fused.
  public let queryProjection: Linear?
  /// The key projection `[dimension, dimension]`, when not fused.
  public let keyProjection: Linear?
  /// The value projection `[dimension, dimension]`, when not fused.
  public let valueProjection: Linear?
  /// The projection applied to the concatenated heads.
  public let outputProjection: Linear
  /// Dropout on the attention weights (training mode only).
  public let attentionDropout: Dropout
  /// Model width.
  public let dimension: Int
  /// Number of heads; `dimension` is a multiple of it.
  public let headCount: Int
  /// Width of one head.
  public var headDimension: Int { dimension / headCount }

  /// - Parameters:
  ///   - dimension: the model width `D`.
  ///   - headCount: the number of heads; it must divide `dimension`.
  ///   - fusedProjection: one `[D, 3D]` projection instead of three `[D, D]` ones.
  ///   - bias: whether the projections have a bias.
  ///   - dropout: probability of dropping an attention weight in training mode.
  ///   - seed: seeds the initializers (each projection gets a derived seed).
  ///
  /// Invalid sizes are a programming error: the program stops with the message of
  /// ``validate(dimension:headCount:)``.
  public init(
    dimension: Int, headCount: Int, fusedProjection: Bool = true, bias: Bool = true, dropout: Float = 0,
    seed: UInt64? = nil
  ) {
    ArgumentCheck.orStop { try MultiHeadAttention.validate(dimension: dimension, headCount: headCount) }
    self.dimension = dimension
    self.headCount = headCount
    func linear(_ out: Int, _ k: UInt64) -> Linear {
      Linear(dimension, out, bias: bias, initialization: .xavierUniform, seed: seed.map { $0 &+ k })
    }
    if fusedProjection {
      inputProjection = linear(3 * dimension, 1)
      (queryProjection, keyProjection, valueProjection) = (nil, nil, nil)
    } else {
      inputProjection = nil
      (queryProjection, keyProjection, valueProjection) = (
        linear(dimension, 2), linear(dimension, 3), linear(dimension, 4)
      )
    }
    outputProjection = linear(dimension, 5)
    attentionDropout = Dropout(dropout, seed: seed.map { $0 &+ 6 })
    super.init()
  }

  public override var settingsDescription: String { "dimension: \(dimension), heads: \(headCount)" }

  /// Throws unless `dimension` is a positive multiple of a positive `headCount`.
  public static func validate(dimension: Int, headCount: Int) throws {
    try ArgumentCheck.require(
      headCount > 0 && dimension > 0 && dimension % headCount == 0,
      "MultiHeadAttention: dimension \(dimension) must be a positive multiple of headCount \(headCount)")
  }

  /// Unmasked self-attention.
  public override func forward(_ input: Tensor) throws -> Tensor { try forward(input, mask: nil) }

  /// Self-attention of `input` `[batch, length, dimension]`.
  ///
  /// - Parameters:
  ///   - input: `[batch, length, dimension]`.
  ///   - mask: keep-mask (1 = attend) broadcasting to `[batch, headCount, length, keyLength]`,
  ///     e.g. from ``AttentionMask``; a wrong shape throws.
  ///   - isCausal: each position attends only to itself and earlier positions.
  ///   - cache: when given, this call's keys and values are appended to layer `layerIndex` of
  ///     the cache and the queries attend to every cached position as well (positions are
  ///     aligned so that causal masking stays correct). The caller advances the cache.
  ///   - layerIndex: the layer of `cache` this attention reads and extends.
  ///
  /// Without gradient tracking (``withNoGrad(_:)``), fused projections and no mask, the call takes
  /// an inference path with the same result that attends in place (in the cache's buffers, with a
  /// cache): see `inferenceForward`.
  public func forward(
    _ input: Tensor, mask: Tensor?, isCausal: Bool = false, cache: KVCache? = nil, layerIndex: Int = 0
  ) throws -> Tensor {
    try forward(input, mask: mask, isCausal: isCausal, cache: cache, layerIndex: layerIndex, adding: nil)
  }

  /// `residual + attention(input)` (just the attention when `residual` is nil): the inference path
  /// adds the residual in the output projection's GEMM (see `inferenceForward`), the other path
  /// adds it afterwards.
  func forward(
    _ input: Tensor, mask: Tensor?, isCausal: Bool, cache: KVCache?, layerIndex: Int, adding residual: Tensor?
  ) throws -> Tensor {
    guard input.rank == 3, input.shape[2] == dimension else {
      throw TensorError.invalidArgument(
        "MultiHeadAttention: input shape \(input.shape) must be [batch, length, \(dimension)]")
    }
    if canRunInference(mask: mask) {
      return try inferenceForward(
        input, isCausal: isCausal, cache: cache, layerIndex: layerIndex, residual: residual)
    }
    let (batch, length) = (input.shape[0], input.shape[1])
    var query: Tensor
    var key: Tensor
    var value: Tensor
    if let inputProjection {
      // [B, S, 3D] → [B, S, 3, H, Dh] → [3, B, H, S, Dh]
      let qkv = try inputProjection(input).reshaped([batch, length, 3, headCount, headDimension])
        .permuted([2, 0, 3, 1, 4])
      (query, key, value) = (try qkv[0], try qkv[1], try qkv[2])
    } else {
      func heads(_ projection: Linear?) throws -> Tensor {
        try projection!(input).reshaped([batch, length, headCount, headDimension]).permuted([0, 2, 1, 3])
      }
      (query, key, value) = (try heads(queryProjection), try heads(keyProjection), try heads(valueProjection))
    }
    if let cache {
      (key, value) = try cache.append(layer: layerIndex, key: key, value: value)
    }
    let weights = try attentionWeights(query: query, key: key, mask: mask, isCausal: isCausal)
    let attended = try attentionDropout(weights).matmul(value)
    let merged = try attended.permuted([0, 2, 1, 3]).reshaped([batch, length, dimension])
    let output = try outputProjection(merged)
    guard let residual else { return output }
    return try residual + output
  }
}
