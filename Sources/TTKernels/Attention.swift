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
  ///
  /// With `heads` `H` (packed heads), the shapes are the packed ones, `q[..., Sq, H·D]`,
  /// `k[..., Sk, H·D]`, `v[..., Sk, H·Dv]` → `out[..., Sq, H·Dv]`, head `h` being columns
  /// `h·D ..< (h+1)·D` of every row; each head is read and written in place (row stride `H·D`),
  /// and the mask broadcasts to the heads-first scores `[batch..., H, Sq, Sk]`.
  /// Shapes must already be validated (see ``outputShape(q:k:v:)``).
  public static func forward(
    q: UnsafePointer<Float>, qShape: [Int], k: UnsafePointer<Float>, kShape: [Int],
    v: UnsafePointer<Float>, vShape: [Int], mask: Mask?, causalOffset: Int?, scale: Float,
    heads: Int? = nil, _ out: UnsafeMutablePointer<Float>
  ) {
    guard let packedShape = outputShape(q: qShape, k: kShape, v: vShape) else { return }
    let h = heads ?? 1
    let batch = Array(packedShape.dropLast(2)) + (heads == nil ? [] : [h])
    let rank = batch.count + 2
    let (sq, ldq) = (qShape[qShape.count - 2], qShape[qShape.count - 1])
    let (sk, ldk) = (kShape[kShape.count - 2], kShape[kShape.count - 1])
    let ldv = vShape[vShape.count - 1]
    let (d, dv) = (ldq / h, ldv / h)
    let batchCount = ShapeMath.count(batch)
    let batchStrides = ShapeMath.strides(batch)
    // Strides of the batch axes (heads included) in units of one head's block of rows; a head
    // block is `S` rows of `H·D` columns, so head `h` starts `h·D` columns into its batch's rows.
    func strides(_ shape: [Int]) -> [Int] {
      let outer = ShapeMath.broadcastStrides(Array(shape.dropLast(2)), to: Array(packedShape.dropLast(2)))
      return heads == nil ? outer : outer + [0]
    }
    let (strideQ, strideK, strideV) = (strides(qShape), strides(kShape), strides(vShape))
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
      let head = t % h
      Gemm.multiply(
        m: sq, n: sk, k: d, a: q + offQ * sq * ldq + head * d, lda: ldq,
        b: k + offK * sk * ldk + head * d, ldb: ldk, transposeB: true, c: scores, ldc: sk)
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
        m: sq, n: dv, k: sk, a: scores, lda: sk, b: v + offV * sk * ldv + head * dv, ldb: ldv,
        c: out + (t / h) * sq * ldv + head * dv, ldc: ldv)
    }
  }
}
