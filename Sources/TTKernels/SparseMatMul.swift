import TTRuntime

/// The product of a dense input and a sparse (pruned) weight, the `sparse_linear` op: the C
/// kernel library's `tt_sparse_linear` (Runtime/tt_sparse.c), the same code compiled models run.
public enum SparseMatMul {
  /// `out[m, n] = bias[n] + Σ_{j ∈ row n} values[j] · x[m, columns[j]]` for every row `m` of
  /// `x[rows×inFeatures]`, with the weight given as CSR of its transpose (row `n` = output
  /// feature `n`, `rowPointers` has `outFeatures + 1` entries); `bias` may be nil.
  ///
  /// - Precondition: the CSR arrays are valid for `inFeatures` columns (`TTIR.CSRMatrix` checks).
  public static func linear(
    _ x: UnsafePointer<Float>, rows: Int, inFeatures: Int, values: UnsafePointer<Float>,
    columns: UnsafePointer<Int32>, rowPointers: UnsafePointer<Int32>, outFeatures: Int,
    bias: UnsafePointer<Float>?, _ out: UnsafeMutablePointer<Float>
  ) {
    let scratch = UnsafeMutablePointer<Float>.allocate(
      capacity: max(Int(tt_sparse_linear_scratch(Int64(inFeatures))), 1))
    defer { scratch.deallocate() }
    tt_sparse_linear(
      Int64(rows), Int64(inFeatures), Int64(outFeatures), x, values, columns, rowPointers, bias, out,
      scratch)
  }

  /// The same product with the weight in the sliced layout (`TTIR.SlicedSparseMatrix`: `values`
  /// and `columns` 16 per step, `steps` per block of 16 outputs and chunk of 32 inputs): the kernel
  /// library's `tt_sparse_sliced_linear`.
  ///
  /// - Precondition: the sliced arrays are valid for `inFeatures` and `outFeatures`
  ///   (`TTIR.SlicedSparseMatrix` checks).
  public static func slicedLinear(
    _ x: UnsafePointer<Float>, rows: Int, inFeatures: Int, values: UnsafePointer<Float>,
    columns: UnsafePointer<Int8>, steps: UnsafePointer<Int32>, outFeatures: Int, bias: UnsafePointer<Float>?,
    _ out: UnsafeMutablePointer<Float>
  ) {
    let scratch = UnsafeMutablePointer<Float>.allocate(
      capacity: max(Int(tt_sparse_sliced_scratch(Int64(inFeatures))), 1))
    defer { scratch.deallocate() }
    tt_sparse_sliced_linear(
      Int64(rows), Int64(inFeatures), Int64(outFeatures), x, values, columns, steps, bias, out, scratch)
  }
}
