/// Single-precision matrix multiplication on row-major buffers.
///
/// `C = op(A)·op(B)` (or `C += …` when `accumulate`, or `C = op(A)·op(B) + bias` with a
/// per-column bias), where `op` optionally transposes.
/// An 8×16 register tile of SIMD accumulators (8 independent FMA chains, enough to hide the
/// FMA latency) walks 16-column panels of B; leftover rows use 4-row and smaller tiles.
/// A is read in place through strides (no copy, transposed or not); B is read in place when it
/// is not transposed, and only transposed or partial panels are packed (zero-padded) first.
/// Rows are split across cores for large products. Without transposes, one to three rows of A
/// instead stream B once per row, 64 columns (four chains) at a time, and a single column of B
/// becomes one dot product per row.
public enum Gemm {
  static let panelWidth = 16
  static let tileRows = 8

  /// Computes `C[m×n] (+)= op(A)[m×k] · op(B)[k×n]`.
  ///
  /// - Parameters:
  ///   - transposeA: read A as `k×m` (row stride `lda`) and use its transpose.
  ///   - transposeB: read B as `n×k` (row stride `ldb`) and use its transpose.
  ///   - bias: `n` values added to every row of the product (ignored when `accumulate`).
  public static func multiply(
    m: Int, n: Int, k: Int,
    a: UnsafePointer<Float>, lda: Int, transposeA: Bool = false,
    b: UnsafePointer<Float>, ldb: Int, transposeB: Bool = false,
    c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool = false,
    bias: UnsafePointer<Float>? = nil
  ) {
    if m == 0 || n == 0 { return }
    let bias = accumulate ? nil : bias
    let out = Output(accumulate: accumulate, bias: bias)
    if k == 0 {
      if let bias {
        for i in 0..<m { (c + i * ldc).update(from: bias, count: n) }
      } else if !accumulate {
        for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) }
      }
      return
    }
    // One to three rows (one token per step in generation) stream B once per row, four
    // 16-column blocks at a time: four independent accumulator chains instead of one.
    if m < 4 && !transposeA && !transposeB {
      for i in 0..<m {
        rowTimesMatrix(k: k, n: n, a: a + i * lda, b: b, ldb: ldb, c: c + i * ldc, out: out)
      }
      return
    }
    // A matrix times one column (attention scores K·q of one query): dot products.
    if n == 1 && !transposeA && !transposeB {
      for i in 0..<m {
        out.write(dot(a + i * lda, b, stride: ldb, count: k), to: c + i * ldc, column: 0)
      }
      return
    }
    // Element (i, kk) of op(A) is at a[i·rowStride + kk·kStride].
    let strides = transposeA ? Strides(row: 1, k: lda) : Strides(row: lda, k: 1)
    let panels = (n + panelWidth - 1) / panelWidth
    let fullPanels = n / panelWidth
    // Panels read in place (B not transposed, all 16 columns present) keep B's row stride;
    // the others are packed k-major into `packed` with stride 16.
    let packedPanels = transposeB ? panels : panels - fullPanels
    let packed = UnsafeMutablePointer<Float>.allocate(capacity: max(packedPanels, 1) * k * panelWidth)
    defer { packed.deallocate() }
    let firstPacked = transposeB ? 0 : fullPanels
    for p in firstPacked..<panels {
      packPanel(
        b, ldb: ldb, transposed: transposeB, k: k, n: n, panel: p,
        into: packed + (p - firstPacked) * k * panelWidth)
    }
    func panel(_ p: Int) -> (UnsafePointer<Float>, Int) {
      p < firstPacked
        ? (b + p * panelWidth, ldb)
        : (UnsafePointer(packed + (p - firstPacked) * k * panelWidth), panelWidth)
    }

    let rowBlocks = (m + tileRows - 1) / tileRows
    let chunks = min(rowBlocks, 2)
    // Below ~2M multiply-adds (about 10 µs on one core) waking a second thread costs more
    // than it saves, especially on a busy machine; the training steps of small models are
    // all below this.
    parallelFor(chunks: chunks, work: m * n * k, minimumWork: 1 << 21) { chunk in
      let lo = rowBlocks * chunk / chunks * tileRows
      let hi = min(m, rowBlocks * (chunk + 1) / chunks * tileRows)
      for p in 0..<panels {
        let (bp, bStride) = panel(p)
        let cols = min(panelWidth, n - p * panelWidth)
        var i = lo
        while i < hi {
          let rows = min(hi - i, tileRows)
          let ai = a + i * strides.row
          let ci = c + i * ldc + p * panelWidth
          let out = out.shifted(by: p * panelWidth)
          if rows == 8 {
            tile8(
              cols: cols, k: k, a: ai, strides, b: bp, bStride: bStride, c: ci, ldc: ldc, out)
          } else {
            var r = 0
            while r < rows {
              let part = min(4, rows - r)
              tile(
                rows: part, cols: cols, k: k, a: ai + r * strides.row, strides, b: bp,
                bStride: bStride, c: ci + r * ldc, ldc: ldc, out)
              r += part
            }
          }
          i += rows
        }
      }
    }
  }

  /// How a tile writes its results: `C = AB`, `C += AB`, or `C = AB + bias` (the bias
  /// pointer starts at the tile's first column).
  struct Output {
    let accumulate: Bool
    let bias: UnsafePointer<Float>?

    /// The same output for a block starting `columns` further right.
    @inline(__always)
    func shifted(by columns: Int) -> Output {
      Output(accumulate: accumulate, bias: bias.map { $0 + columns })
    }

    /// Writes one finished dot product into `c[column]`.
    @inline(__always)
    func write(_ sum: Float, to c: UnsafeMutablePointer<Float>, column: Int) {
      c[column] = accumulate ? c[column] + sum : (bias?[column] ?? 0) + sum
    }
  }

  /// Where element (i, kk) of op(A) lives: `a[i·row + kk·k]`.
  struct Strides {
    let row: Int
    let k: Int
  }

  /// Copies panel `p` (16 columns) of B (or Bᵀ) k-major into `dst`, zero-padding columns past `n`.
  static func packPanel(
    _ b: UnsafePointer<Float>, ldb: Int, transposed: Bool, k: Int, n: Int, panel p: Int,
    into dst: UnsafeMutablePointer<Float>
  ) {
    let j0 = p * panelWidth
    let cols = min(panelWidth, n - j0)
    if transposed {
      for kk in 0..<k {
        let d = dst + kk * panelWidth
        for j in 0..<cols { d[j] = b[(j0 + j) * ldb + kk] }
        for j in cols..<panelWidth { d[j] = 0 }
      }
    } else {
      // Whole 16-value loads with the lanes past `cols` zeroed, for every row whose load stays
      // inside B (B's last element is at (k − 1)·ldb + n − 1); element by element otherwise.
      let lanes = SIMD16<Int32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
      let outside = lanes .>= SIMD16(repeating: Int32(cols))
      let end = (k - 1) * ldb + n
      for kk in 0..<k {
        let d = dst + kk * panelWidth
        let start = kk * ldb + j0
        if start + panelWidth <= end {
          let v = UnsafeRawPointer(b + start).loadUnaligned(as: SIMD16<Float>.self)
          UnsafeMutableRawPointer(d).storeBytes(
            of: v.replacing(with: 0, where: outside), as: SIMD16<Float>.self)
        } else {
          for j in 0..<cols { d[j] = b[start + j] }
          for j in cols..<panelWidth { d[j] = 0 }
        }
      }
    }
  }

  /// Eight rows of op(A) against one 16-wide panel of B (row stride `bStride`).
  @inline(__always)
  static func tile8(
    cols: Int, k: Int, a: UnsafePointer<Float>, _ s: Strides, b: UnsafePointer<Float>,
    bStride: Int, c: UnsafeMutablePointer<Float>, ldc: Int, _ out: Output
  ) {
    var acc = (
      SIMD16<Float>(), SIMD16<Float>(), SIMD16<Float>(), SIMD16<Float>(),
      SIMD16<Float>(), SIMD16<Float>(), SIMD16<Float>(), SIMD16<Float>()
    )
    let raw = UnsafeRawPointer(b)
    let (a0, a1, a2, a3) = (a, a + s.row, a + 2 * s.row, a + 3 * s.row)
    let (a4, a5, a6, a7) = (a + 4 * s.row, a + 5 * s.row, a + 6 * s.row, a + 7 * s.row)
    for kk in 0..<k {
      let bv = raw.loadUnaligned(fromByteOffset: kk * bStride * 4, as: SIMD16<Float>.self)
      let o = kk * s.k
      acc.0.addProduct(SIMD16(repeating: a0[o]), bv)
      acc.1.addProduct(SIMD16(repeating: a1[o]), bv)
      acc.2.addProduct(SIMD16(repeating: a2[o]), bv)
      acc.3.addProduct(SIMD16(repeating: a3[o]), bv)
      acc.4.addProduct(SIMD16(repeating: a4[o]), bv)
      acc.5.addProduct(SIMD16(repeating: a5[o]), bv)
      acc.6.addProduct(SIMD16(repeating: a6[o]), bv)
      acc.7.addProduct(SIMD16(repeating: a7[o]), bv)
    }
    store(acc.0, c, cols, out)
    store(acc.1, c + ldc, cols, out)
    store(acc.2, c + 2 * ldc, cols, out)
    store(acc.3, c + 3 * ldc, cols, out)
    store(acc.4, c + 4 * ldc, cols, out)
    store(acc.5, c + 5 * ldc, cols, out)
    store(acc.6, c + 6 * ldc, cols, out)
    store(acc.7, c + 7 * ldc, cols, out)
  }

  /// Up to 4 rows of op(A) against one 16-wide panel of B (row stride `bStride`).
  @inline(__always)
  static func tile(
    rows: Int, cols: Int, k: Int, a: UnsafePointer<Float>, _ s: Strides, b: UnsafePointer<Float>,
    bStride: Int, c: UnsafeMutablePointer<Float>, ldc: Int, _ out: Output
  ) {
    var acc0 = SIMD16<Float>()
    var acc1 = SIMD16<Float>()
    var acc2 = SIMD16<Float>()
    var acc3 = SIMD16<Float>()
    let raw = UnsafeRawPointer(b)
    let (a0, a1, a2, a3) = (a, a + s.row, a + 2 * s.row, a + 3 * s.row)
    if rows == 4 {
      for kk in 0..<k {
        let bv = raw.loadUnaligned(fromByteOffset: kk * bStride * 4, as: SIMD16<Float>.self)
        let o = kk * s.k
        acc0.addProduct(SIMD16(repeating: a0[o]), bv)
        acc1.addProduct(SIMD16(repeating: a1[o]), bv)
        acc2.addProduct(SIMD16(repeating: a2[o]), bv)
        acc3.addProduct(SIMD16(repeating: a3[o]), bv)
      }
    } else {
      for kk in 0..<k {
        let bv = raw.loadUnaligned(fromByteOffset: kk * bStride * 4, as: SIMD16<Float>.self)
        let o = kk * s.k
        acc0.addProduct(SIMD16(repeating: a0[o]), bv)
        if rows > 1 { acc1.addProduct(SIMD16(repeating: a1[o]), bv) }
        if rows > 2 { acc2.addProduct(SIMD16(repeating: a2[o]), bv) }
      }
    }
    store(acc0, c, cols, out)
    if rows > 1 { store(acc1, c + ldc, cols, out) }
    if rows > 2 { store(acc2, c + 2 * ldc, cols, out) }
    if rows > 3 { store(acc3, c + 3 * ldc, cols, out) }
  }

  /// `Σ x[i]·y[i·stride]` for `i < count`, 16 lanes at a time when `y` is contiguous.
  @inline(__always)
  static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, stride: Int, count: Int) -> Float {
    var i = 0
    var sum: Float = 0
    if stride == 1 {
      var acc = SIMD16<Float>()
      while i + 16 <= count {
        acc.addProduct(
          UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self),
          UnsafeRawPointer(y + i).loadUnaligned(as: SIMD16<Float>.self))
        i += 16
      }
      sum = acc.sum()
    }
    while i < count {
      sum += x[i] * y[i * stride]
      i += 1
    }
    return sum
  }

  /// `c[0..<n] = a[0..<k] · B` (plus `out`'s bias or accumulation) for row-major `B` (`k×n`,
  /// row stride `ldb`).
  static func rowTimesMatrix(
    k: Int, n: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, ldb: Int,
    c: UnsafeMutablePointer<Float>, out: Output
  ) {
    var j = 0
    while j + 16 <= n {
      let blocks = min(4, (n - j) / 16)
      var acc0 = SIMD16<Float>()
      var acc1 = SIMD16<Float>()
      var acc2 = SIMD16<Float>()
      var acc3 = SIMD16<Float>()
      for kk in 0..<k {
        let row = UnsafeRawPointer(b + kk * ldb + j)
        let av = SIMD16<Float>(repeating: a[kk])
        acc0.addProduct(av, row.loadUnaligned(as: SIMD16<Float>.self))
        if blocks > 1 { acc1.addProduct(av, row.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)) }
        if blocks > 2 { acc2.addProduct(av, row.loadUnaligned(fromByteOffset: 128, as: SIMD16<Float>.self)) }
        if blocks > 3 { acc3.addProduct(av, row.loadUnaligned(fromByteOffset: 192, as: SIMD16<Float>.self)) }
      }
      func put(_ acc: SIMD16<Float>, _ block: Int) {
        let column = j + 16 * block
        store(acc, c + column, 16, out.shifted(by: column))
      }
      put(acc0, 0)
      if blocks > 1 { put(acc1, 1) }
      if blocks > 2 { put(acc2, 2) }
      if blocks > 3 { put(acc3, 3) }
      j += 16 * blocks
    }
    for jj in j..<n {
      var sum: Float = 0
      for kk in 0..<k { sum += a[kk] * b[kk * ldb + jj] }
      out.write(sum, to: c, column: jj)
    }
  }

  @inline(__always)
  static func store(
    _ v: SIMD16<Float>, _ c: UnsafeMutablePointer<Float>, _ cols: Int, _ out: Output
  ) {
    if cols == 16 {
      let raw = UnsafeMutableRawPointer(c)
      if out.accumulate {
        let old = raw.loadUnaligned(as: SIMD16<Float>.self)
        raw.storeBytes(of: old + v, as: SIMD16<Float>.self)
      } else if let bias = out.bias {
        let b = UnsafeRawPointer(bias).loadUnaligned(as: SIMD16<Float>.self)
        raw.storeBytes(of: b + v, as: SIMD16<Float>.self)
      } else {
        raw.storeBytes(of: v, as: SIMD16<Float>.self)
      }
    } else if out.accumulate {
      for j in 0..<cols { c[j] += v[j] }
    } else if let bias = out.bias {
      for j in 0..<cols { c[j] = bias[j] + v[j] }
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
