import XCTest

@testable import TTKernels

/// Products with fewer than four rows skip packing (the path used when generating one token at a
/// time); they must agree with a naive product for every shape and option.
final class GemmFewRowsTests: XCTestCase {
  func testMatchesNaiveProduct() {
    var seed: UInt32 = 1
    func next() -> Float {
      seed = seed &* 1_664_525 &+ 1_013_904_223
      return Float(seed >> 8) / Float(1 << 24) - 0.5
    }
    for m in 1...3 {
      for (n, k) in [(1, 1), (7, 5), (16, 16), (69, 128), (130, 33), (384, 20)] {
        for transposeB in [false, true] {
          for accumulate in [false, true] {
            let a = (0..<(m * k)).map { _ in next() }
            let b = (0..<(k * n)).map { _ in next() }
            let initial = (0..<(m * n)).map { _ in next() }
            var c = initial
            Gemm.multiply(
              m: m, n: n, k: k, a: a, lda: k, b: b, ldb: transposeB ? k : n, transposeB: transposeB,
              c: &c, ldc: n, accumulate: accumulate)
            for i in 0..<m {
              for j in 0..<n {
                var expected: Float = accumulate ? initial[i * n + j] : 0
                for kk in 0..<k { expected += a[i * k + kk] * (transposeB ? b[j * k + kk] : b[kk * n + j]) }
                XCTAssertEqual(c[i * n + j], expected, accuracy: 1e-4, "m \(m) n \(n) k \(k) tB \(transposeB)")
              }
            }
          }
        }
      }
    }
  }
}
