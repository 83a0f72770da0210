/// The product of a dense input and a sparse (pruned) weight, the `sparse_linear` op.
public enum SparseMatMul {
  /// `out[m, n] = bias[n] + Σ_{j ∈ row n} values[j] · x[m, columns[j]]` for every row `m` of
  /// `x[rows×inFeatures]`, with the weight given as CSR of its transpose (row `n` = output
  /// feature `n`, `rowPointers` has `outFeatures + 1` entries); `bias` may be nil.
  ///
  /// - Precondition: the CSR arrays are valid for `inFeatures` columns (`TTIR.CSRMatrix` checks).
  public static func linear(
    _ x: UnsafePointer<Float>, rows: Int, inFeatures: Int, values: UnsafePointer<Float>,
    columns: UnsafeBufferPointer<Int32>, rowPointers: UnsafeBufferPointer<Int32>, outFeatures: Int,
    bias: UnsafePointer<Float>?, _ out: UnsafeMutablePointer<Float>
  ) {
    for m in 0..<rows {
      let input = x + m * inFeatures
      for n in 0..<outFeatures {
        var sum: Float = 0
        for j in Int(rowPointers[n])..<Int(rowPointers[n + 1]) {
          sum += values[j] * input[Int(columns[j])]
        }
        out[m * outFeatures + n] = (bias?[n] ?? 0) + sum
      }
    }
  }
}
