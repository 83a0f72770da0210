import XCTest

@testable import TTKernels

/// Gemm.multiply (the runtime's tt_sgemm on this CPU's best path) against a naive triple loop on
/// sizes that hit tile remainders, the small-batch path, and the two-core split. Every
/// instruction-set path is tested on its own in GemmPathTests.
final class GemmTests: XCTestCase {
  static let sizes = [1, 3, 15, 16, 17, 33, 64, 100]

  /// `C (+)= op(A)·op(B)` computed in Double with explicit indexing. `A` is stored `m×k` (or
  /// `k×m` when transposed) with row stride `lda`; likewise `B`.
  func naive(
    m: Int, n: Int, k: Int, a: [Float], lda: Int, transposeA: Bool, b: [Float], ldb: Int,
    transposeB: Bool, c: [Float], ldc: Int, accumulate: Bool, bias: [Float]? = nil
  ) -> [Float] {
    var out = c
    a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        for i in 0..<m {
          for j in 0..<n {
            var s: Double = accumulate ? Double(c[i * ldc + j]) : Double(bias?[j] ?? 0)
            for p in 0..<k {
              let x = transposeA ? a[p * lda + i] : a[i * lda + p]
              let y = transposeB ? b[j * ldb + p] : b[p * ldb + j]
              s += Double(x) * Double(y)
            }
            out[i * ldc + j] = Float(s)
          }
        }
      }
    }
    return out
  }

  func run(
    m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false,
    accumulate: Bool = false, withBias: Bool = false, padding: Int = 0, seed: UInt64 = 1,
    file: StaticString = #filePath, line: UInt = #line
  ) {
    var random = TestRandom(seed: seed &+ UInt64(m * 10_000 + n * 100 + k))
    // Stored shapes, with `padding` extra columns per row to exercise leading dimensions.
    let (aRows, aCols) = transposeA ? (k, m) : (m, k)
    let (bRows, bCols) = transposeB ? (n, k) : (k, n)
    let lda = aCols + padding
    let ldb = bCols + padding
    let ldc = n + padding
    let a = random.values(aRows * lda)
    let b = random.values(bRows * ldb)
    var c = random.values(m * ldc)
    let bias = withBias ? random.values(n) : nil
    // A bias is ignored when accumulating.
    let expected = naive(
      m: m, n: n, k: k, a: a, lda: lda, transposeA: transposeA, b: b, ldb: ldb,
      transposeB: transposeB, c: c, ldc: ldc, accumulate: accumulate, bias: accumulate ? nil : bias)
    c.withUnsafeMutableBufferPointer { pc in
      OptionalPointer.withOptional(bias) { pb in
        Gemm.multiply(
          m: m, n: n, k: k, a: a, lda: lda, transposeA: transposeA, b: b, ldb: ldb,
          transposeB: transposeB, c: pc.baseAddress!, ldc: ldc, accumulate: accumulate, bias: pb)
      }
    }
    // Float32 accumulation over k terms of magnitude ≤ 1.
    assertClose(
      c, expected, absolute: 2e-6 * Float(k + 1), relative: 1e-5,
      "m \(m) n \(n) k \(k) tA \(transposeA) tB \(transposeB) acc \(accumulate) bias \(withBias) "
        + "pad \(padding)",
      file: file, line: line)
  }

  func testEverySizeCombination() {
    for m in Self.sizes { for n in Self.sizes { for k in Self.sizes { run(m: m, n: n, k: k) } } }
  }

  func testTransposedOperands() {
    for m in Self.sizes {
      for n in [1, 15, 17, 33, 100] {
        for k in [1, 16, 17] {
          run(m: m, n: n, k: k, transposeA: true)
          run(m: m, n: n, k: k, transposeB: true)
          run(m: m, n: n, k: k, transposeA: true, transposeB: true)
        }
      }
    }
  }

  func testAccumulate() {
    for m in [1, 3, 17, 64] {
      for n in [1, 15, 16, 33] {
        for k in [1, 17, 100] {
          run(m: m, n: n, k: k, accumulate: true)
          run(m: m, n: n, k: k, transposeA: true, transposeB: true, accumulate: true)
        }
      }
    }
  }

  func testLeadingDimensionsLargerThanTheRow() {
    for (m, n, k) in [(5, 17, 3), (17, 33, 16), (64, 100, 64)] {
      run(m: m, n: n, k: k, padding: 3)
      run(m: m, n: n, k: k, transposeA: true, transposeB: true, padding: 5)
      run(m: m, n: n, k: k, accumulate: true, padding: 2)
    }
  }

  func testBiasIsAddedToEveryRow() {
    for m in [1, 7, 8, 9, 33] {
      for n in [1, 10, 16, 17, 40] {
        for k in [0, 1, 10, 64] {
          run(m: m, n: n, k: k, withBias: true)
          run(m: m, n: n, k: k, transposeA: true, transposeB: true, withBias: true)
          run(m: m, n: n, k: k, accumulate: true, withBias: true)
        }
      }
    }
  }

  func testParallelSplitOfLargeProducts() {
    // m·n·k ≥ 2²¹ runs on two cores; odd row counts leave uneven chunks.
    for (m, n, k) in [(129, 130, 140), (101, 33, 700), (5, 300, 1500)] {
      run(m: m, n: n, k: k)
      run(m: m, n: n, k: k, transposeA: true, accumulate: true)
    }
  }

  func testEmptyInnerDimensionZeroesOrKeepsC() {
    var c: [Float] = [1, 2, 3, 4]
    let none: [Float] = [0]
    Gemm.multiply(m: 2, n: 2, k: 0, a: none, lda: 0, b: none, ldb: 2, c: &c, ldc: 2, accumulate: true)
    XCTAssertEqual(c, [1, 2, 3, 4])
    Gemm.multiply(m: 2, n: 2, k: 0, a: none, lda: 0, b: none, ldb: 2, c: &c, ldc: 2)
    XCTAssertEqual(c, [0, 0, 0, 0])
  }
}

/// Passes an optional array's base pointer (nil for nil).
enum OptionalPointer {
  static func withOptional<R>(_ values: [Float]?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let values else { return body(nil) }
    return values.withUnsafeBufferPointer { body($0.baseAddress) }
  }
}
