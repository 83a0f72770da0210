import TTIR

/// A BERT encoder (Devlin et al. 2019) built from the framework's modules, with Hugging Face's
/// parameter names (`BertModel`), so a `model.safetensors` loads with
/// ``Module/loadPyTorchStateDict(from:strict:)``: token + position + token-type embeddings and a
/// layer norm, then post-norm encoder layers (self-attention with a padding mask, exact-erf
/// GELU feed-forward), and the pooler.
///
/// ```swift
/// let model = BertModel(try BertConfiguration(contentsOf: folder.appendingPathComponent("config.json")))
/// try model.loadPyTorchStateDict(from: folder)
/// let batch = tokenizer.encodeBatch(sentences)
/// let hidden = try model(ids: batch.idTensor(), attentionMask: batch.maskTensor())
/// let embeddings = try meanPooled(hidden, mask: batch.maskTensor()).l2Normalized()
/// ```
public final class BertModel: Module {
  /// The sizes.
  public let configuration: BertConfiguration
  /// Token, position and token-type embeddings with their layer norm.
  public let embeddings: BertEmbeddings
  /// The encoder layers (`encoder.layer.N` in PyTorch).
  public let layers: [BertLayer]
  /// The pooler's dense layer (tanh of the first token's projection; unused by mean pooling).
  public let pooler: Linear

  /// A model with freshly initialized weights; an invalid configuration stops the program with
  /// the message of ``BertConfiguration/validate()``.
  public init(_ configuration: BertConfiguration, seed: UInt64? = nil) {
    ArgumentCheck.orStop { try configuration.validate() }
    self.configuration = configuration
    func derived(_ k: UInt64) -> UInt64? { seed.map { $0 &* 1000 &+ k } }
    embeddings = BertEmbeddings(configuration, seed: derived(1))
    layers = (0..<configuration.layerCount).map { BertLayer(configuration, seed: derived(10 + UInt64($0))) }
    pooler = Linear(configuration.hiddenSize, configuration.hiddenSize, seed: derived(2))
    super.init()
  }

  public override var pytorchConvention: PyTorchConvention {
    PyTorchConvention(
      names: ["layers": "encoder.layer", "pooler": "pooler.dense"], checkpointPrefix: "bert")
  }

  /// Hidden states `[batch, length, hiddenSize]` of token ids `[batch, length]` without padding.
  public override func forward(_ ids: Tensor) throws -> Tensor {
    try callAsFunction(ids: ids, attentionMask: nil)
  }

  /// Hidden states `[batch, length, hiddenSize]`.
  /// - Parameters:
  ///   - ids: token ids `[batch, length]`.
  ///   - attentionMask: `[batch, length]`, 1 for tokens and 0 for padding (no key attends to padding).
  ///   - tokenTypes: `[batch, length]` segment ids; zeros when nil.
  public func callAsFunction(ids: Tensor, attentionMask: Tensor?, tokenTypes: Tensor? = nil) throws -> Tensor
  {
    guard ids.rank == 2 else {
      throw TensorError.invalidArgument("BertModel: ids must be [batch, length], got \(ids.shape)")
    }
    let keyMask = try attentionMask.map { mask -> Tensor in
      guard mask.shape == ids.shape else {
        throw TensorError.shapeMismatch(op: "BertModel attention mask", mask.shape, ids.shape)
      }
      return try mask.reshaped([ids.shape[0], 1, 1, ids.shape[1]])
    }
    var x = try embeddings(ids: ids, tokenTypes: tokenTypes)
    for layer in layers { x = try layer(x, keyMask: keyMask) }
    return x
  }

  /// Sentence embeddings `[batch, hiddenSize]` as sentence-transformers computes them: the
  /// hidden states mean-pooled over the tokens where `attentionMask` `[batch, length]` is 1, then
  /// L2-normalized.
  public func sentenceEmbeddings(ids: Tensor, attentionMask: Tensor) throws -> Tensor {
    try meanPooled(callAsFunction(ids: ids, attentionMask: attentionMask), mask: attentionMask)
      .l2Normalized()
  }

  /// Records ``sentenceEmbeddings(ids:attentionMask:)`` on example inputs (evaluation mode) as a
  /// graph with two inputs, `ids` and `attention_mask` (`[batch, length]`, f32; 1 = token, 0 =
  /// padding), and one output, `embeddings` `[batch, hiddenSize]`.
  ///
  /// The mask is a graph input, so the interpreter and a compiled library give the embeddings
  /// of any padded batch of that shape, as eager mode does; `ttc compile --batch N` changes the
  /// batch size, the length is fixed by the example.
  public func traceSentenceEmbeddings(ids: Tensor, attentionMask: Tensor, name: String = "bert") throws
    -> Graph
  {
    try withEvaluationMode {
      try trace(
        name: name, inputs: [("ids", ids), ("attention_mask", attentionMask)], outputNames: ["embeddings"],
        model: self
      ) { inputs in
        [try sentenceEmbeddings(ids: inputs[0], attentionMask: inputs[1])]
      }
    }
  }
}

/// Token + position + token-type embeddings, summed and layer-normalized.
public final class BertEmbeddings: Module {
  /// The token table `[vocabularySize, hiddenSize]`.
  public let words: Embedding
  /// The learned position table `[maxPositions, hiddenSize]`.
  public let positions: PositionalEmbedding
  /// The token-type (segment) table `[typeVocabularySize, hiddenSize]`.
  public let tokenTypes: Embedding
  /// The layer norm after the sum.
  public let norm: LayerNorm

  init(_ c: BertConfiguration, seed: UInt64?) {
    words = Embedding(vocabularySize: c.vocabularySize, dimension: c.hiddenSize, std: 0.02, seed: seed)
    positions = PositionalEmbedding(
      maxLength: c.maxPositions, dimension: c.hiddenSize, std: 0.02, seed: seed.map { $0 &+ 1 })
    tokenTypes = Embedding(
      vocabularySize: c.typeVocabularySize, dimension: c.hiddenSize, std: 0.02, seed: seed.map { $0 &+ 2 })
    norm = LayerNorm(c.hiddenSize, eps: c.layerNormEps)
    super.init()
  }

  public override var pytorchConvention: PyTorchConvention {
    let positionIDs = (0..<positions.maxLength).map(Int64.init)
    return PyTorchConvention(
      names: [
        "words": "word_embeddings", "positions": "position_embeddings", "tokenTypes": "token_type_embeddings",
        "norm": "LayerNorm",
      ],
      extraBuffers: ["position_ids": TensorData(int64s: positionIDs, shape: [1, positionIDs.count])])
  }

  /// `LayerNorm(words[ids] + positions[0..<length] + tokenTypes[types])`; without `types`,
  /// every token has type 0 (row 0 of the table is added, which traces without a constant of
  /// the input's shape).
  public func callAsFunction(ids: Tensor, tokenTypes types: Tensor?) throws -> Tensor {
    let typeVectors =
      try types.map { try tokenTypes($0) } ?? tokenTypes.weight.slice(axis: 0, start: 0, end: 1)
    return try norm(positions(words(ids)) + typeVectors)
  }
}

/// One post-norm encoder layer: `x = LN(x + Attention(x))`, `x = LN(x + W₂·GELU(W₁·x))`.
public final class BertLayer: Module {
  /// Self-attention with its output projection and layer norm.
  public let attention: BertAttention
  /// The feed-forward expansion (`intermediate.dense`).
  public let intermediate: Linear
  /// The feed-forward contraction (`output.dense`).
  public let output: Linear
  /// The layer norm after the feed-forward residual (`output.LayerNorm`).
  public let outputNorm: LayerNorm

  init(_ c: BertConfiguration, seed: UInt64?) {
    attention = BertAttention(c, seed: seed)
    intermediate = Linear(c.hiddenSize, c.intermediateSize, seed: seed.map { $0 &+ 5 })
    output = Linear(c.intermediateSize, c.hiddenSize, seed: seed.map { $0 &+ 6 })
    outputNorm = LayerNorm(c.hiddenSize, eps: c.layerNormEps)
    super.init()
  }

  public override var pytorchConvention: PyTorchConvention {
    PyTorchConvention(
      names: [
        "intermediate": "intermediate.dense", "output": "output.dense", "outputNorm": "output.LayerNorm",
      ])
  }

  public override func forward(_ input: Tensor) throws -> Tensor { try callAsFunction(input, keyMask: nil) }

  /// The layer on `[batch, length, hiddenSize]`; `keyMask` `[batch, 1, 1, length]` blocks padding.
  public func callAsFunction(_ input: Tensor, keyMask: Tensor?) throws -> Tensor {
    let attended = try attention(input, keyMask: keyMask)
    return try outputNorm(attended + output(intermediate(attended).gelu(approximation: .none)))
  }
}

/// BERT's self-attention block: separate query/key/value projections, scaled dot-product
/// attention per head, the output projection, and `LN(x + …)`.
public final class BertAttention: Module {
  /// Projections `[hidden, hidden]` (`self.query`, `self.key`, `self.value`).
  public let query: Linear, key: Linear, value: Linear
  /// The projection of the concatenated heads (`output.dense`).
  public let output: Linear
  /// The layer norm after the residual (`output.LayerNorm`).
  public let outputNorm: LayerNorm
  /// Number of heads.
  public let headCount: Int

  init(_ c: BertConfiguration, seed: UInt64?) {
    let h = c.hiddenSize
    query = Linear(h, h, seed: seed.map { $0 &+ 1 })
    key = Linear(h, h, seed: seed.map { $0 &+ 2 })
    value = Linear(h, h, seed: seed.map { $0 &+ 3 })
    output = Linear(h, h, seed: seed.map { $0 &+ 4 })
    outputNorm = LayerNorm(h, eps: c.layerNormEps)
    headCount = c.headCount
    super.init()
  }

  public override var pytorchConvention: PyTorchConvention {
    PyTorchConvention(names: [
      "query": "self.query", "key": "self.key", "value": "self.value", "output": "output.dense",
      "outputNorm": "output.LayerNorm",
    ])
  }

  public override func forward(_ input: Tensor) throws -> Tensor { try callAsFunction(input, keyMask: nil) }

  /// `LN(x + Attention(x))` on `[batch, length, hidden]`.
  public func callAsFunction(_ x: Tensor, keyMask: Tensor?) throws -> Tensor {
    let (batch, length, width) = (x.shape[0], x.shape[1], x.shape[2])
    let depth = width / headCount
    func heads(_ projection: Linear) throws -> Tensor {
      try projection(x).reshaped([batch, length, headCount, depth]).permuted([0, 2, 1, 3])
    }
    let attended = try scaledDotProductAttention(
      query: heads(query), key: heads(key), value: heads(value), mask: keyMask)
    let merged = try attended.permuted([0, 2, 1, 3]).reshaped([batch, length, width])
    return try outputNorm(x + output(merged))
  }
}

/// The mean of `hidden` `[batch, length, width]` over the positions where `mask` `[batch,
/// length]` is 1 (sentence-transformers' mean pooling): `[batch, width]`.
public func meanPooled(_ hidden: Tensor, mask: Tensor) throws -> Tensor {
  guard hidden.rank == 3, mask.shape == Array(hidden.shape.prefix(2)) else {
    throw TensorError.shapeMismatch(op: "meanPooled", hidden.shape, mask.shape)
  }
  let weights = try mask.reshaped(mask.shape + [1])
  let counts = try weights.sum(axis: 1).maximum(Tensor(1e-9))
  return try (hidden * weights).sum(axis: 1) / counts
}

extension Tensor {
  /// Each row (last axis) divided by its L2 norm (at least 1e-12), like
  /// `torch.nn.functional.normalize`.
  public func l2Normalized() throws -> Tensor {
    let norms = try (self * self).sum(axis: -1, keepDims: true).sqrt().maximum(Tensor(1e-12))
    return try self / norms
  }
}
