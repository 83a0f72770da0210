import Foundation
import TTIR
import TTKernels

/// Attention weights `softmax(Q·Kᵀ · scale + maskBias)` over the last axis.
///
/// - Parameters:
///   - query: shape `[..., queryLength, depth]`.
///   - key: shape `[..., keyLength, depth]`; leading (batch/head) axes broadcast with `query`.
///   - mask: optional keep-mask, **1 = attend, 0 = blocked**, whose shape broadcasts to the
///     scores' shape `[..., queryLength, keyLength]` (e.g. `[keyLength]`, `[batch, 1, 1,
///     keyLength]` for padding, `[queryLength, keyLength]`). Values must be 0 or 1.
///   - isCausal: block keys in the future of each query. Queries are aligned with the *last*
///     `queryLength` keys: query `i` may attend to key `j` iff `j ≤ i + keyLength − queryLength`
///     (the usual lower-triangular mask when the lengths agree; with a KV cache, the new queries
///     see every cached key and themselves).
///   - scale: defaults to `1/√depth` (1 for depth 0: `TTIR.AttentionScale`).
/// - Returns: weights of shape `[..., queryLength, keyLength]`. Blocked positions get exactly
///   zero weight. A query whose keys are *all* blocked gets an all-zero row (not NaN), so its
///   attention output is the zero vector and no gradient flows through it.
/// - Throws: for incompatible shapes, a mask that does not broadcast to the scores' shape, or
///   mask values other than 0 and 1.
public func attentionWeights(
  query: Tensor, key: Tensor, mask: Tensor? = nil, isCausal: Bool = false, scale: Float? = nil
) throws -> Tensor {
  guard query.rank >= 2, key.rank >= 2, query.shape[query.rank - 1] == key.shape[key.rank - 1] else {
    throw TensorError.invalidArgument(
      "attention: query \(query.shape) and key \(key.shape) must be [..., length, depth] with equal depth")
  }
  let depth = query.shape[query.rank - 1]
  let s = scale ?? AttentionScale.defaultScale(depth: depth)
  var scores: Tensor
  if query.shape[query.rank - 2] == 1 {
    // One query (a cached generation step): K·qᵀ needs no transposed copy of the keys.
    let column = try (query * s).reshaped(Array(query.shape.dropLast(2)) + [depth, 1])
    let keyScores = try key.matmul(column)
    scores = try keyScores.reshaped(Array(keyScores.shape.dropLast(2)) + [1, key.shape[key.rank - 2]])
  } else {
    scores = try (query * s).matmul(key.transposed())
  }
  if let bias = try maskBias(mask, isCausal: isCausal, scoresShape: scores.shape) {
    scores = try scores + bias
  }
  return try scores.softmax(axis: -1)
}

/// Scaled dot-product attention: `attentionWeights(query, key, …) · value`.
///
/// `value` has shape `[..., keyLength, valueDepth]`; the result `[..., queryLength, valueDepth]`.
/// See ``attentionWeights(query:key:mask:isCausal:scale:)`` for the mask convention (1 = attend)
/// and for fully masked rows, whose output is zero. Built from differentiable operations
/// (matmul, softmax, add), so it needs no backward rule of its own.
public func scaledDotProductAttention(
  query: Tensor, key: Tensor, value: Tensor, mask: Tensor? = nil, isCausal: Bool = false,
  scale: Float? = nil
) throws -> Tensor {
  guard value.rank >= 2, value.shape[value.rank - 2] == key.shape[key.rank - 2] else {
    throw TensorError.invalidArgument(
      "attention: value \(value.shape) must have as many positions as key \(key.shape)")
  }
  return try attentionWeights(query: query, key: key, mask: mask, isCausal: isCausal, scale: scale)
    .matmul(value)
}

/// The additive bias (0 where attending, −∞ where blocked) of a keep-mask and/or causal
/// structure, shaped to broadcast against `scoresShape`; nil when nothing is blocked.
///
/// A 0/1 keep-mask's bias is `log(mask)` (log 1 = 0, log 0 = −∞; `softmax(s + log m)` is
/// `m·eˢ / Σ m·eˢ`), computed by a tensor operation, so a traced graph takes the mask as an input
/// instead of freezing the example's mask into a constant. The causal part is a constant
/// `[queryLength, keyLength]`.
func maskBias(_ mask: Tensor?, isCausal: Bool, scoresShape: [Int]) throws -> Tensor? {
  let rank = scoresShape.count
  let (queryLength, keyLength) = (scoresShape[rank - 2], scoresShape[rank - 1])
  var bias: Tensor?
  if let mask {
    guard mask.rank <= rank, ShapeMath.broadcast(mask.shape, scoresShape) == scoresShape else {
      throw TensorError.invalidArgument(
        "attention mask: shape \(mask.shape) does not broadcast to the attention scores' shape \(scoresShape) "
          + "([..., queryLength, keyLength])")
    }
    guard mask.scalars.allSatisfy({ $0 == 0 || $0 == 1 }) else {
      throw TensorError.invalidArgument("attention mask: values must be 1 (attend) or 0 (blocked)")
    }
    bias = mask.log()
  }
  // A causal mask blocks nothing when each query sees every key (e.g. one new token).
  if isCausal && queryLength > 1 {
    let causalOffset = keyLength - queryLength
    var causal = [Float](repeating: 0, count: queryLength * keyLength)
    for i in 0..<queryLength {
      for j in 0..<keyLength where j > i + causalOffset { causal[i * keyLength + j] = -.infinity }
    }
    let causalBias = Tensor(uncheckedShape: [queryLength, keyLength], scalars: causal)
    bias = try bias.map { try $0 + causalBias } ?? causalBias
  }
  return bias
}
