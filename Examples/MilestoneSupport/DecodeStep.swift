import TTIR
import TinyTorch

/// One generation step of a ``TinyTorch/GPT`` with its KV cache as explicit tensors, so that the
/// step can be traced into a graph and compiled: a static-shape version of
/// `GPT.forward(_:cache:)` for one new token.
///
/// Inputs (all f32): `token` `[1, 1]` (the id), `position` `[1, 1, L]` (one-hot of the token's
/// position), `attention_bias` `[1, 1, 1, L]` (0 for the positions to attend to, the cached ones
/// and this one; ``blocked`` for the others), `write` `[1, 1, L, 1]` (one-hot of the cache slot
/// this token fills), then `key.i`, `value.i` `[1, heads, L, headDimension]` per layer. Outputs:
/// `logits` `[1, 1, vocabulary]` and the updated caches `key.i.next`, `value.i.next` (the
/// inputs with this token's keys/values written at its slot). `L` is the model's
/// `maxSequenceLength`. The step reads every slot, masked, so its cost does not depend on the
/// position: attention over `L` slots instead of the used ones.
public struct DecodeStep {
  /// The model whose step this is (fused query/key/value projections).
  public let model: GPT

  /// The additive bias of a slot that is not attended to: `exp` of it underflows to exactly 0.
  public static let blocked: Float = -1e9

  /// The step of `model`.
  ///
  /// - Throws: when the model has separate query/key/value projections.
  public init(_ model: GPT) throws {
    guard model.configuration.fusedProjection else {
      throw MilestoneError("DecodeStep: the model must use fused query/key/value projections")
    }
    self.model = model
  }

  var slots: Int { model.configuration.maxSequenceLength }
  var cacheShape: [Int] {
    let c = model.configuration
    return [1, c.headCount, c.maxSequenceLength, c.dimension / c.headCount]
  }

  /// The graph input names, in order.
  public var inputNames: [String] {
    ["token", "position", "attention_bias", "write"]
      + (0..<model.configuration.layerCount).flatMap { ["key.\($0)", "value.\($0)"] }
  }

  /// The graph output names, in order.
  public var outputNames: [String] {
    ["logits"] + (0..<model.configuration.layerCount).flatMap { ["key.\($0).next", "value.\($0).next"] }
  }

  /// Empty caches: one zero tensor per `key.i`/`value.i` input.
  public func emptyCaches() -> [Tensor] {
    (0..<2 * model.configuration.layerCount).map { _ in Tensor.zeros(cacheShape) }
  }

  /// The non-cache inputs for `token` at `position` (which must be below `maxSequenceLength`).
  public func stepInputs(token: Int, position: Int) throws -> [Tensor] {
    let l = slots
    let oneHot = (0..<l).map { Float($0 == position ? 1 : 0) }
    return [
      try Tensor(shape: [1, 1], scalars: [Float(token)]),
      try Tensor(shape: [1, 1, l], scalars: oneHot),
      try Tensor(shape: [1, 1, 1, l], scalars: (0..<l).map { $0 <= position ? 0 : Self.blocked }),
      try Tensor(shape: [1, 1, l, 1], scalars: oneHot),
    ]
  }

  /// The traced step (evaluation mode), inputs and outputs named as above.
  public func trace(name: String = "gpt-decode-step") throws -> Graph {
    let examples = try stepInputs(token: 0, position: 0) + emptyCaches()
    return try model.withEvaluationMode {
      try TinyTorch.trace(
        name: name, inputs: Array(zip(inputNames, examples)), outputNames: outputNames, model: model
      ) { try callAsFunction($0) }
    }
  }

  /// Runs the step eagerly on `inputs` (in ``inputNames`` order); returns the outputs in
  /// ``outputNames`` order.
  public func callAsFunction(_ inputs: [Tensor]) throws -> [Tensor] {
    let c = model.configuration
    let (heads, depth) = (c.headCount, c.dimension / c.headCount)
    let (token, position, bias, write) = (inputs[0], inputs[1], inputs[2], inputs[3])
    let keep = 1 - write
    var x = try model.tokenEmbedding(token) + position.matmul(model.positionEmbedding.weight)  // [1, 1, D]
    var caches: [Tensor] = []
    for (index, block) in model.blocks.enumerated() {
      let attention = block.attention
      // [1, 1, 3D] → [1, 1, 3, H, Dh] → [3, 1, H, 1, Dh]
      let qkv = try attention.inputProjection!(block.attentionNorm(x))
        .reshaped([1, 1, 3, heads, depth]).permuted([2, 0, 3, 1, 4])
      let (query, key, value) = (try qkv[0], try qkv[1], try qkv[2])
      let keys = try inputs[4 + 2 * index] * keep + key * write  // [1, H, L, Dh]
      let values = try inputs[5 + 2 * index] * keep + value * write
      // [1, H, 1, L]: every slot scored, the ones not attended to pushed to −1e9.
      let scores = try (query * (1 / Float(depth).squareRoot())).matmul(keys.transposed()) + bias
      let attended = try scores.softmax(axis: -1).matmul(values)  // [1, H, 1, Dh]
      let merged = try attended.permuted([0, 2, 1, 3]).reshaped([1, 1, c.dimension])
      x = try x + attention.outputProjection(merged)
      x = try x + block.feedForward(block.feedForwardNorm(x))
      caches += [keys, values]
    }
    x = try model.finalNorm(x)
    let logits = try model.head.map { try $0(x) } ?? x.matmul(model.tokenEmbedding.weight.transposed())
    return [logits] + caches
  }
}

/// Greedy generation with `GPT.generate`'s context rule (the context holds at most `maxLength`
/// tokens; when a new token would overflow it, it is cropped to its last `maxLength / 2`), for
/// engines other than eager mode. `logits(context, refill)` returns the next-token logits after
/// `context`; `refill` is true when `context` is new (the start, or just cropped), false when it
/// only grew by its last token, so a cached engine can run just that token.
public func greedyGeneration(
  prompt: [Int], count: Int, maxLength: Int, logits: (_ context: [Int], _ refill: Bool) throws -> [Float]
) throws -> [Int] {
  var context = Array(prompt.suffix(maxLength))
  var scores = try logits(context, true)
  var generated: [Int] = []
  while generated.count < count {
    var best = 0
    for i in scores.indices where scores[i] > scores[best] { best = i }
    generated.append(best)
    context.append(best)
    if generated.count == count { break }
    let cropped = context.count > maxLength
    if cropped { context = Array(context.suffix(max(1, maxLength / 2))) }
    scores = try logits(context, cropped)
  }
  return generated
}
