/// Scaled dot-product attention on row-major buffers:
/// `out = softmax(q·kᵀ·scale + mask)·v` over the last axis of the scores.
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
  /// With a `causalOffset` `c`, query `i` attends to key `j` only when `j ≤ i + c`: `0` is
  /// PyTorch's top-left alignment, `Sk − Sq` aligns the last query with the last key (as with a
  /// KV cache). A query whose keys are all blocked gets a zero output row.
  /// Shapes must already be validated (see ``outputShape(q:k:v:)``).
  public static func forward(
    q: UnsafePointer<Float>, qShape: [Int], k: UnsafePointer<Float>, kShape: [Int],
    v: UnsafePointer<Float>, vShape: [Int], mask: Mask?, causalOffset: Int?, scale: Float,
    _ out: UnsafeMutablePointer<Float>
  ) {
    guard let outShape = outputShape(q: qShape, k: kShape, v: vShape) else { return }
    let rank = outShape.count
    let batch = Array(outShape.dropLast(2))
    let (sq, d) = (qShape[qShape.count - 2], qShape[qShape.count - 1])
    let sk = kShape[kShape.count - 2]
    let dv = vShape[vShape.count - 1]
    let batchCount = ShapeMath.count(batch)
    let batchStrides = ShapeMath.strides(batch)
    let strideQ = ShapeMath.broadcastStrides(Array(qShape.dropLast(2)), to: batch)
    let strideK = ShapeMath.broadcastStrides(Array(kShape.dropLast(2)), to: batch)
    let strideV = ShapeMath.broadcastStrides(Array(vShape.dropLast(2)), to: batch)
    let scoresShape = batch + [sq, sk]
    let strideMask = mask.map { ShapeMath.broadcastStrides($0.shape, to: scoresShape) }
    let scores = UnsafeMutablePointer<Float>.allocate(capacity: max(sq * sk, 1))
    defer { scores.deallocate() }
    for t in 0..<batchCount {
      var (offQ, offK, offV, offMask) = (0, 0, 0, 0)
      var rem = t
      for axis in 0..<batch.count {
        let index = rem / batchStrides[axis]
        rem -= index * batchStrides[axis]
        offQ += index * strideQ[axis]
        offK += index * strideK[axis]
        offV += index * strideV[axis]
        offMask += index * (strideMask?[axis] ?? 0)
      }
      Gemm.multiply(
        m: sq, n: sk, k: d, a: q + offQ * sq * d, lda: d, b: k + offK * sk * d, ldb: d,
        transposeB: true, c: scores, ldc: sk)
      for i in 0..<sq {
        let row = scores + i * sk
        for j in 0..<sk {
          var score = row[j] * scale
          if let causalOffset, j > i + causalOffset { score = -.infinity }
          if let mask, let st = strideMask {
            let m = mask.values[offMask + i * st[rank - 2] + j * st[rank - 1]]
            switch mask.kind {
            case .additive: score += m
            case .keep: if m == 0 { score = -.infinity }
            }
          }
          row[j] = score
        }
      }
      Softmax.forward(scores, shape: [sq, sk], axis: 1, scores)
      Gemm.multiply(
        m: sq, n: dv, k: sk, a: scores, lda: sk, b: v + offV * sk * dv, ldb: dv,
        c: out + t * sq * dv, ldc: dv)
    }
  }
}
