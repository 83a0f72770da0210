/// Single-precision matrix multiplication on row-major buffers.
///
/// `C = op(A)·op(B)` (or `C += …` when `accumulate`), where `op` optionally transposes.
/// B is packed into zero-padded panels of 16 columns, and an 8×16 register tile of SIMD
/// accumulators (8 independent FMA chains, enough to hide the FMA latency) walks each panel;
/// leftover rows use 4-row and smaller tiles. Rows are split across cores for large products.
public enum Gemm {
  static let panelWidth = 16
  static let tileRows = 8

  /// Computes `C[m×n] (+)= op(A)[m×k] · op(B)[k×n]`.
  ///
  /// - Parameters:
  ///   - transposeA: read A as `k×m` (row stride `lda`) and use its transpose.
  ///   - transposeB: read B as `n×k` (row stride `ldb`) and use its transpose.
  public static func multiply(
    m: Int, n: Int, k: Int,
    a: UnsafePointer<Float>, lda: Int, transposeA: Bool = false,
    b: UnsafePointer<Float>, ldb: Int, transposeB: Bool = false,
    c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool = false
  ) {
    if m == 0 || n == 0 { return }
    if k == 0 {
      if !accumulate { for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) } }
      return
    }
    // A few rows (e.g. one token per step in generation) do not repay packing B.
    if m < tileRows && !transposeA {
      for i in 0..<m {
        if transposeB {
          rowTimesTransposed(k: k, n: n, a: a + i * lda, b: b, ldb: ldb, c: c + i * ldc, accumulate: accumulate)
        } else {
          rowTimesMatrix(k: k, n: n, a: a + i * lda, b: b, ldb: ldb, c: c + i * ldc, accumulate: accumulate)
        }
      }
      return
    }
    // A must be row-major m×k with unit column stride; transpose it into scratch otherwise.
    var aPacked: UnsafeMutablePointer<Float>? = nil
    var aRows = a
    var aStride = lda
    if transposeA {
      let p = UnsafeMutablePointer<Float>.allocate(capacity: m * k)
      for kk in 0..<k {
        let row = a + kk * lda
        for i in 0..<m { p[i * k + kk] = row[i] }
      }
      aPacked = p
      aRows = UnsafePointer(p)
      aStride = k
    }
    defer { aPacked?.deallocate() }

    let panels = (n + panelWidth - 1) / panelWidth
    let packed = UnsafeMutablePointer<Float>.allocate(capacity: panels * k * panelWidth)
    defer { packed.deallocate() }
    packB(b, ldb: ldb, transposed: transposeB, k: k, n: n, into: packed)

    let rowBlocks = (m + tileRows - 1) / tileRows
    let chunks = min(rowBlocks, 2)
    // Below ~2M multiply-adds (about 10 µs on one core) waking a second thread costs more
    // than it saves, especially on a busy machine; the training steps of small models are
    // all below this.
    parallelFor(chunks: chunks, work: m * n * k, minimumWork: 1 << 21) { chunk in
      let lo = rowBlocks * chunk / chunks * tileRows
      let hi = min(m, rowBlocks * (chunk + 1) / chunks * tileRows)
      var i = lo
      while i < hi {
        let rows = min(hi - i, tileRows)
        for p in 0..<panels {
          let cols = min(panelWidth, n - p * panelWidth)
          let panel = packed + p * k * panelWidth
          if rows == 8 {
            tile8(
              cols: cols, k: k, a: aRows + i * aStride, lda: aStride, panel: panel,
              c: c + i * ldc + p * panelWidth, ldc: ldc, accumulate: accumulate)
          } else {
            var r = 0
            while r < rows {
              let part = min(4, rows - r)
              tile(
                rows: part, cols: cols, k: k, a: aRows + (i + r) * aStride, lda: aStride,
                panel: panel, c: c + (i + r) * ldc + p * panelWidth, ldc: ldc,
                accumulate: accumulate)
              r += part
            }
          }
        }
        i += rows
      }
    }
  }

  /// `c[0..<n] (+)= a[0..<k] · B` for row-major `B` (`k×n`, row stride `ldb`), 64 columns at a time.
  static func rowTimesMatrix(
    k: Int, n: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, ldb: Int,
    c: UnsafeMutablePointer<Float>, accumulate: Bool
  ) {
    var j = 0
    while j + 16 <= n {
      let width = min(4, (n - j) / 16)
      var acc0 = SIMD16<Float>()
      var acc1 = SIMD16<Float>()
      var acc2 = SIMD16<Float>()
      var acc3 = SIMD16<Float>()
      for kk in 0..<k {
        let row = UnsafeRawPointer(b + kk * ldb + j)
        let av = SIMD16<Float>(repeating: a[kk])
        acc0.addProduct(av, row.loadUnaligned(as: SIMD16<Float>.self))
        if width > 1 { acc1.addProduct(av, row.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)) }
        if width > 2 { acc2.addProduct(av, row.loadUnaligned(fromByteOffset: 128, as: SIMD16<Float>.self)) }
        if width > 3 { acc3.addProduct(av, row.loadUnaligned(fromByteOffset: 192, as: SIMD16<Float>.self)) }
      }
      store(acc0, c + j, 16, accumulate)
      if width > 1 { store(acc1, c + j + 16, 16, accumulate) }
      if width > 2 { store(acc2, c + j + 32, 16, accumulate) }
      if width > 3 { store(acc3, c + j + 48, 16, accumulate) }
      j += 16 * width
    }
    for jj in j..<n {
      var sum: Float = 0
      for kk in 0..<k { sum += a[kk] * b[kk * ldb + jj] }
      c[jj] = accumulate ? c[jj] + sum : sum
    }
  }

  /// `c[j] (+)= a[0..<k] · B[j, 0..<k]` for `B` stored `n×k` (row stride `ldb`): dot products.
  static func rowTimesTransposed(
    k: Int, n: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, ldb: Int,
    c: UnsafeMutablePointer<Float>, accumulate: Bool
  ) {
    let ra = UnsafeRawPointer(a)
    for j in 0..<n {
      let row = b + j * ldb
      let rb = UnsafeRawPointer(row)
      var acc = SIMD16<Float>()
      var kk = 0
      while kk + 16 <= k {
        acc.addProduct(
          ra.loadUnaligned(fromByteOffset: kk * 4, as: SIMD16<Float>.self),
          rb.loadUnaligned(fromByteOffset: kk * 4, as: SIMD16<Float>.self))
        kk += 16
      }
      var sum = acc.sum()
      while kk < k {
        sum += a[kk] * row[kk]
        kk += 1
      }
      c[j] = accumulate ? c[j] + sum : sum
    }
  }

  /// Copies B (or Bᵀ) into panels of `panelWidth` columns, each stored k-major and zero-padded.
  static func packB(
    _ b: UnsafePointer<Float>, ldb: Int, transposed: Bool, k: Int, n: Int,
    into packed: UnsafeMutablePointer<Float>
  ) {
    let panels = (n + panelWidth - 1) / panelWidth
    for p in 0..<panels {
      let dst = packed + p * k * panelWidth
      let j0 = p * panelWidth
      let cols = min(panelWidth, n - j0)
      for kk in 0..<k {
        let d = dst + kk * panelWidth
        if transposed {
          for j in 0..<cols { d[j] = b[(j0 + j) * ldb + kk] }
        } else {
          let src = b + kk * ldb + j0
          for j in 0..<cols { d[j] = src[j] }
        }
        for j in cols..<panelWidth { d[j] = 0 }
      }
    }
  }

  /// One register tile: up to 4 rows of A against one packed 16-wide panel of B.
  @inline(__always)
  static func tile(
    rows: Int, cols: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
    panel: UnsafeMutablePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int,
    accumulate: Bool
  ) {
    var acc0 = SIMD16<Float>()
    var acc1 = SIMD16<Float>()
    var acc2 = SIMD16<Float>()
    var acc3 = SIMD16<Float>()
    let raw = UnsafeRawPointer(panel)
    if rows == 4 {
      let a0 = a
      let a1 = a + lda
      let a2 = a + 2 * lda
      let a3 = a + 3 * lda
      for kk in 0..<k {
        let bv = raw.loadUnaligned(fromByteOffset: kk * 64, as: SIMD16<Float>.self)
        acc0.addProduct(SIMD16(repeating: a0[kk]), bv)
        acc1.addProduct(SIMD16(repeating: a1[kk]), bv)
        acc2.addProduct(SIMD16(repeating: a2[kk]), bv)
        acc3.addProduct(SIMD16(repeating: a3[kk]), bv)
      }
    } else {
      for kk in 0..<k {
        let bv = raw.loadUnaligned(fromByteOffset: kk * 64, as: SIMD16<Float>.self)
        acc0.addProduct(SIMD16(repeating: a[kk]), bv)
        if rows > 1 { acc1.addProduct(SIMD16(repeating: a[lda + kk]), bv) }
        if rows > 2 { acc2.addProduct(SIMD16(repeating: a[2 * lda + kk]), bv) }
      }
    }
    store(acc0, c, cols, accumulate)
    if rows > 1 { store(acc1, c + ldc, cols, accumulate) }
    if rows > 2 { store(acc2, c + 2 * ldc, cols, accumulate) }
    if rows > 3 { store(acc3, c + 3 * ldc, cols, accumulate) }
  }

  /// Eight rows of A against one packed 16-wide panel of B.
  @inline(__always)
  static func tile8(
    cols: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
    panel: UnsafeMutablePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int,
    accumulate: Bool
  ) {
    var acc = (
      SIMD16<Float>(), SIMD16<Float>(), SIMD16<Float>(), SIMD16<Float>(),
      SIMD16<Float>(), SIMD16<Float>(), SIMD16<Float>(), SIMD16<Float>()
    )
    let raw = UnsafeRawPointer(panel)
    let (a0, a1, a2, a3) = (a, a + lda, a + 2 * lda, a + 3 * lda)
    let (a4, a5, a6, a7) = (a + 4 * lda, a + 5 * lda, a + 6 * lda, a + 7 * lda)
    for kk in 0..<k {
      let bv = raw.loadUnaligned(fromByteOffset: kk * 64, as: SIMD16<Float>.self)
      acc.0.addProduct(SIMD16(repeating: a0[kk]), bv)
      acc.1.addProduct(SIMD16(repeating: a1[kk]), bv)
      acc.2.addProduct(SIMD16(repeating: a2[kk]), bv)
      acc.3.addProduct(SIMD16(repeating: a3[kk]), bv)
      acc.4.addProduct(SIMD16(repeating: a4[kk]), bv)
      acc.5.addProduct(SIMD16(repeating: a5[kk]), bv)
      acc.6.addProduct(SIMD16(repeating: a6[kk]), bv)
      acc.7.addProduct(SIMD16(repeating: a7[kk]), bv)
    }
    store(acc.0, c, cols, accumulate)
    store(acc.1, c + ldc, cols, accumulate)
    store(acc.2, c + 2 * ldc, cols, accumulate)
    store(acc.3, c + 3 * ldc, cols, accumulate)
    store(acc.4, c + 4 * ldc, cols, accumulate)
    store(acc.5, c + 5 * ldc, cols, accumulate)
    store(acc.6, c + 6 * ldc, cols, accumulate)
    store(acc.7, c + 7 * ldc, cols, accumulate)
  }

  @inline(__always)
  static func store(
    _ v: SIMD16<Float>, _ c: UnsafeMutablePointer<Float>, _ cols: Int, _ accumulate: Bool
  ) {
    if cols == 16 {
      let raw = UnsafeMutableRawPointer(c)
      if accumulate {
        let old = raw.loadUnaligned(as: SIMD16<Float>.self)
        raw.storeBytes(of: old + v, as: SIMD16<Float>.self)
      } else {
        raw.storeBytes(of: v, as: SIMD16<Float>.self)
      }
    } else if accumulate {
      for j in 0..<cols { c[j] += v[j] }
    } else {
      for j in 0..<cols { c[j] = v[j] }
    }
  }
}

extension SIMD16 where Scalar == Float {
  @inline(__always)
  mutating func addProduct(_ a: SIMD16<Float>, _ b: SIMD16<Float>) {
    self = self.addingProduct(a, b)
  }
}
