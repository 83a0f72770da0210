import TTRuntime

/// A constant `[k, n]` f32 weight packed once into the layout the GEMM micro-kernel of this CPU's
/// path reads (`tt_sgemm_pack_b`, Runtime/tt_gemm.c), as compiled models embed it: products with
/// it are bitwise those of ``Gemm/multiply(m:n:k:a:lda:transposeA:b:ldb:transposeB:c:ldc:accumulate:bias:residual:activation:)``
/// on the original weight, without re-reading B in place or re-packing its partial panels per
/// call. Immutable after creation, so one instance serves concurrent calls.
public final class PackedWeight: @unchecked Sendable {
  /// The weight's rows (the product's inner dimension) and columns.
  public let k: Int, n: Int
  private let packed: UnsafeMutablePointer<Float>

  /// Packs `weight` (`k` rows of `n` values, row-major).
  public init(_ weight: UnsafePointer<Float>, k: Int, n: Int) {
    self.k = k
    self.n = n
    let floats = Int(tt_sgemm_packed_b_floats(Int64(k), Int64(n)))
    packed = .allocate(capacity: max(floats, 16))
    let status = tt_sgemm_pack_b(Int64(k), Int64(n), weight, Int64(n), packed)
    precondition(status == 0, "tt_sgemm_pack_b: this build has no packed layout for its own path")
  }

  deinit { packed.deallocate() }

  /// `c[m×n] = activation(a[m×k] · weight + bias + residual)` (row-major, no padding; `residual`
  /// may be `c`).
  public func multiply(
    m: Int, a: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>? = nil,
    residual: UnsafePointer<Float>? = nil, activation: Gemm.Activation = .none
  ) {
    if m <= 0 || n <= 0 { return }
    let scratch = UnsafeMutablePointer<Float>.allocate(
      capacity: Int(tt_sgemm_scratch(Int64(m), Int64(n), Int64(k))))
    defer { scratch.deallocate() }
    var epilogue = tt_epilogue(
      bias: bias, row_bias: nil, residual: residual, ldr: Int64(n), activation: activation.runtimeValue)
    let status = tt_sgemm_packed_b(
      Int64(m), Int64(n), Int64(k), a, Int64(k), 0, packed, c, Int64(n), &epilogue, scratch)
    precondition(status == 0, "tt_sgemm_packed_b refused its own \(k)×\(n) packing")
  }
}
