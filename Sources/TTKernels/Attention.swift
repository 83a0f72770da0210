import TTRuntime

/// Scaled dot-product attention on row-major buffers:
/// `out = softmax(q·kᵀ·scale + mask)·v` over the last axis of the scores: the kernel library's
/// `tt_attention_head` (Runtime/tt_nn.c), the code compiled models run, one call per head.
///
/// Shapes: `q[..., Sq, D]`, `k[..., Sk, D]`, `v[..., Sk, Dv]`, `out[batch..., Sq, Dv]`, where
/// the leading (batch and head) axes broadcast NumPy-style.
public enum Attention {
  /// How a mask buffer modifies the scores.
  public enum MaskKind: Sendable {
    /// Added to the scores (0 attends, −∞ blocks).
    case additive
    /// Keeps a score where the mask is nonzero and blocks it where the mask is zero.
    case keep
  }

  /// A mask that broadcasts to the scores' shape `[batch..., Sq, Sk]`.
  public struct Mask {
    /// The mask values.
    public var values: UnsafePointer<Float>
    /// The mask's shape.
    public var shape: [Int]
    /// Whether the values are added or act as a keep-mask.
    public var kind: MaskKind

    /// A mask over `values` of shape `shape`.
    public init(_ values: UnsafePointer<Float>, shape: [Int], kind: MaskKind) {
      self.values = values
      self.shape = shape
      self.kind = kind
    }
  }

  /// The output shape for operands of rank ≥ 2, or `nil` when the batch axes do not broadcast.
  public static func outputShape(q: [Int], k: [Int], v: [Int]) -> [Int]? {
    guard let qk = ShapeMath.broadcast(Array(q.dropLast(2)), Array(k.dropLast(2))),
      let batch = ShapeMath.broadcast(qk, Array(v.dropLast(2)))
    else { return nil }
    return batch + [q[q.count - 2], v[v.count - 1]]
  }

  /// Writes `softmax(q·kᵀ·scale + mask)·v` to `out`.
  ///
  /// With `heads` (packed heads, the `heads` attribute of docs/IR.md), the last axis of q, k, v and
  /// `out` holds `heads` heads side by side (`[..., S, heads·D]`): head `h` is read and written in
  /// place at columns `h·D ..< (h+1)·D`, and the mask broadcasts to `[batch..., heads, Sq, Sk]`.
  /// `causal` keeps key `j` for query `i` when `j ≤ i + Sk − Sq` (queries aligned with the last
  /// keys, as with a KV cache). A query whose keys are all blocked gets a zero output row. Shapes
  /// must already be validated (see ``outputShape(q:k:v:)``; with `heads`, of the split shapes).
  public static func forward(
    q: UnsafePointer<Float>, qShape: [Int], k: UnsafePointer<Float>, kShape: [Int],
    v: UnsafePointer<Float>, vShape: [Int], heads: Int? = nil, mask: Mask?, causal: Bool, scale: Float,
    _ out: UnsafeMutablePointer<Float>
  ) {
    let headCount = heads ?? 1
    let (sq, qWidth) = (qShape[qShape.count - 2], qShape[qShape.count - 1])
    let (sk, kWidth, vWidth) = (kShape[kShape.count - 2], kShape[kShape.count - 1], vShape[vShape.count - 1])
    let (d, dv) = (qWidth / headCount, vWidth / headCount)
    guard let outer = outputShape(q: qShape, k: kShape, v: vShape)?.dropLast(2) else { return }
    let batch = Array(outer) + (heads == nil ? [] : [headCount])
    let strideQ = ShapeMath.broadcastStrides(Array(qShape.dropLast(2)), to: Array(outer))
    let strideK = ShapeMath.broadcastStrides(Array(kShape.dropLast(2)), to: Array(outer))
    let strideV = ShapeMath.broadcastStrides(Array(vShape.dropLast(2)), to: Array(outer))
    let strideMask = mask.map { ShapeMath.broadcastStrides($0.shape, to: batch + [sq, sk]) }
    // tt_attention_head reads an additive mask as floats and a keep-mask as integers.
    let keep: [Int32]? = mask.flatMap { mask in
      mask.kind == .keep ? (0..<ShapeMath.count(mask.shape)).map { mask.values[$0] != 0 ? 1 : 0 } : nil
    }
    let scratch = tt_call_scratch(tt_attention_scratch(Int64(sq), Int64(sk), Int64(d), Int64(dv)))
    let batchStrides = ShapeMath.strides(batch)
    (keep ?? []).withUnsafeBufferPointer { keepValues in
      for t in 0..<ShapeMath.count(batch) {
        var (offQ, offK, offV, offMask, head) = (0, 0, 0, 0, 0)
        var rem = t
        for axis in 0..<batch.count {
          let index = rem / batchStrides[axis]
          rem -= index * batchStrides[axis]
          if axis < outer.count {
            offQ += index * strideQ[axis]
            offK += index * strideK[axis]
            offV += index * strideV[axis]
          } else {
            head = index
          }
          offMask += index * (strideMask?[axis] ?? 0)
        }
        let outIndex = t / headCount
        let maskPointer: UnsafeRawPointer? =
          keep != nil
          ? keepValues.baseAddress.map { UnsafeRawPointer($0 + offMask) }
          : mask.map { UnsafeRawPointer($0.values + offMask) }
        tt_attention_head(
          q + offQ * sq * qWidth + head * d, Int64(qWidth), k + offK * sk * kWidth + head * d, Int64(kWidth),
          v + offV * sk * vWidth + head * dv, Int64(vWidth), maskPointer,
          Int32(keep == nil ? TT_F32.rawValue : TT_I32.rawValue), Int64(strideMask?[batch.count] ?? 0),
          Int64(strideMask?[batch.count + 1] ?? 0), out + outIndex * sq * vWidth + head * dv, Int64(vWidth),
          Int64(sq), Int64(sk), Int64(d), Int64(dv), scale, causal ? 1 : 0, scratch)
      }
    }
  }
}

extension Attention {
  /// One head, `out = softmax(q·kᵀ·scale)·v`, on rows that lie a stride apart (`tt_attention_head`
  /// without a mask): `sq` query rows of `d` floats `ldq` apart, `sk` key rows `ldk` apart, `sk`
  /// value rows of `dv` floats `ldv` apart, `sq` output rows `ldOut` apart. Heads packed side by
  /// side, a fused query/key/value projection's output or a KV cache's buffer are read in place.
  /// `causal` keeps key `j` for query `i` when `j ≤ i + sk − sq` (queries aligned with the last keys).
  public static func head(
    q: UnsafePointer<Float>, ldq: Int, k: UnsafePointer<Float>, ldk: Int, v: UnsafePointer<Float>, ldv: Int,
    sq: Int, sk: Int, d: Int, dv: Int, causal: Bool, scale: Float, _ out: UnsafeMutablePointer<Float>,
    ldOut: Int
  ) {
    let scratch = tt_call_scratch(tt_attention_scratch(Int64(sq), Int64(sk), Int64(d), Int64(dv)))
    tt_attention_head(
      q, Int64(ldq), k, Int64(ldk), v, Int64(ldv), nil, Int32(TT_F32.rawValue), 0, 0, out, Int64(ldOut),
      Int64(sq),
      Int64(sk), Int64(d), Int64(dv), scale, causal ? 1 : 0, scratch)
  }
}
