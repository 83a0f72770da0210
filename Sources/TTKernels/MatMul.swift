/// Matrix products of tensors with (broadcast) batch dimensions, built on ``Gemm``.
public enum MatMul {
  /// The output shape of `a @ b` for operands of rank ≥ 2, or `nil` when the inner
  /// dimensions differ or the batch dimensions do not broadcast.
  public static func outputShape(_ a: [Int], _ b: [Int]) -> [Int]? {
    guard a.count >= 2, b.count >= 2, a[a.count - 1] == b[b.count - 2] else { return nil }
    guard let batch = ShapeMath.broadcast(Array(a.dropLast(2)), Array(b.dropLast(2))) else {
      return nil
    }
    return batch + [a[a.count - 2], b[b.count - 1]]
  }

  /// `out[rows×outFeatures] = activation(x[rows×inFeatures] · weight[inFeatures×outFeatures] +
  /// bias + residual)`, the fully connected layer with a `(in, out)` weight; `bias`
  /// (`[outFeatures]`) and `residual` (`[rows, outFeatures]`) may be nil.
  public static func linear(
    _ x: UnsafePointer<Float>, rows: Int, inFeatures: Int, weight: UnsafePointer<Float>,
    outFeatures: Int, bias: UnsafePointer<Float>?, residual: UnsafePointer<Float>? = nil,
    activation: Gemm.Activation = .none, _ out: UnsafeMutablePointer<Float>
  ) {
    Gemm.multiply(
      m: rows, n: outFeatures, k: inFeatures, a: x, lda: inFeatures, b: weight, ldb: outFeatures,
      c: out, ldc: outFeatures, bias: bias, residual: residual, activation: activation)
  }

  /// `out = op(a) @ op(b)` over broadcast batch dimensions. Shapes are the stored shapes;
  /// `transposeA`/`transposeB` swap the last two axes of the operand before multiplying.
  public static func batched(
    _ a: UnsafePointer<Float>, _ aShape: [Int], transposeA: Bool = false,
    _ b: UnsafePointer<Float>, _ bShape: [Int], transposeB: Bool = false,
    _ out: UnsafeMutablePointer<Float>, accumulate: Bool = false
  ) {
    let ar = aShape.count
    let br = bShape.count
    let (aRows, aCols) = (aShape[ar - 2], aShape[ar - 1])
    let (bRows, bCols) = (bShape[br - 2], bShape[br - 1])
    let m = transposeA ? aCols : aRows
    let k = transposeA ? aRows : aCols
    let n = transposeB ? bRows : bCols
    let aBatch = Array(aShape.dropLast(2))
    let bBatch = Array(bShape.dropLast(2))
    let batch = ShapeMath.broadcast(aBatch, bBatch) ?? []
    let batchCount = ShapeMath.count(batch)
    let aMat = aRows * aCols
    let bMat = bRows * bCols
    let sa = ShapeMath.broadcastStrides(aBatch, to: batch)
    let sb = ShapeMath.broadcastStrides(bBatch, to: batch)
    let batchStrides = ShapeMath.strides(batch)
    for t in 0..<batchCount {
      var offA = 0
      var offB = 0
      var rem = t
      for axis in 0..<batch.count {
        let idx = rem / batchStrides[axis]
        rem -= idx * batchStrides[axis]
        offA += idx * sa[axis]
        offB += idx * sb[axis]
      }
      Gemm.multiply(
        m: m, n: n, k: k,
        a: a + offA * aMat, lda: aCols, transposeA: transposeA,
        b: b + offB * bMat, ldb: bCols, transposeB: transposeB,
        c: out + t * m * n, ldc: n, accumulate: accumulate)
    }
  }
}
