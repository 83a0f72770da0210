import TTRuntime
import XCTest

/// `tt_sgemm_packed_b_isa` (B packed once by `tt_sgemm_pack_b_isa`, as compiled models embed
/// constant weights) against `tt_sgemm_isa` on the original B: bitwise the same on every path this
/// CPU runs and the portable one, over odd sizes (1, 3, 17, 63, 65, 257 in every dimension),
/// transposed A, every epilogue term; correct (not bitwise) when the blob was packed for another
/// path; a blob of another shape is refused.
final class PrePackedGemmTests: XCTestCase {
  static let allPaths = [TT_ISA_PORTABLE, TT_ISA_AVX2, TT_ISA_AVX512]

  struct Case {
    var m: Int, n: Int, k: Int
    var transposeA = false
    var bias = false, rowBias = false, residual = false
    var activation = TT_ACT_NONE
  }

  /// C from `tt_sgemm_isa` on `path`, and from `tt_sgemm_packed_b_isa` on `path` with B packed for
  /// `packedFor`.
  func products(_ t: Case, path: tt_isa, packedFor: tt_isa) -> (plain: [Float], packed: [Float]) {
    var random = TestRandom(seed: UInt64(t.m * 1_000_000 + t.n * 1000 + t.k))
    let a = random.values(max(t.m * t.k, 1))
    let b = random.values(max(t.k * t.n, 1))
    let bias = random.values(t.n)
    let rowBias = random.values(t.m)
    let residual = random.values(t.m * t.n)
    var packed = [Float](
      repeating: .nan, count: Int(tt_sgemm_packed_b_floats_isa(packedFor, Int64(t.k), Int64(t.n))))
    XCTAssertEqual(tt_sgemm_pack_b_isa(packedFor, Int64(t.k), Int64(t.n), b, Int64(t.n), &packed), 0)
    var scratch = [Float](repeating: .nan, count: Int(tt_sgemm_scratch(Int64(t.m), Int64(t.n), Int64(t.k))))
    var plain = [Float](repeating: .nan, count: t.m * t.n)
    var viaPacked = plain
    let lda = Int64(t.transposeA ? t.m : t.k)
    bias.withUnsafeBufferPointer { biasPointer in
      rowBias.withUnsafeBufferPointer { rowBiasPointer in
        residual.withUnsafeBufferPointer { residualPointer in
          var epilogue = tt_epilogue(
            bias: t.bias ? biasPointer.baseAddress : nil,
            row_bias: t.rowBias ? rowBiasPointer.baseAddress : nil,
            residual: t.residual ? residualPointer.baseAddress : nil, ldr: Int64(t.n),
            activation: Int32(t.activation.rawValue))
          let (m, n, k) = (Int64(t.m), Int64(t.n), Int64(t.k))
          tt_sgemm_isa(
            path, m, n, k, a, lda, t.transposeA ? 1 : 0, b, n, 0, &plain, n, &epilogue, &scratch)
          let status = tt_sgemm_packed_b_isa(
            path, m, n, k, a, lda, t.transposeA ? 1 : 0, packed, &viaPacked, n, &epilogue, &scratch)
          XCTAssertEqual(status, 0)
        }
      }
    }
    return (plain, viaPacked)
  }

  func assertBitwise(_ t: Case, path: tt_isa, file: StaticString = #filePath, line: UInt = #line) {
    let (plain, packed) = products(t, path: path, packedFor: path)
    let first = plain.indices.first { plain[$0].bitPattern != packed[$0].bitPattern }
    XCTAssertNil(first, "path \(path.rawValue) \(t): element \(first ?? 0) differs", file: file, line: line)
  }

  func testOddSizesAreBitwiseTheUnpackedProductOnEveryPath() {
    for path in GemmPathTests.paths {
      for m in GemmPathTests.sizes {
        for n in GemmPathTests.sizes {
          for k in GemmPathTests.sizes where [m, n, k].filter({ $0 == 257 }).count <= 1 {
            assertBitwise(Case(m: m, n: n, k: k, transposeA: (m + n + k) % 2 == 0), path: path)
          }
        }
      }
    }
  }

  func testEpiloguesAreBitwiseTheUnpackedProductOnEveryPath() {
    let activations = [
      TT_ACT_NONE, TT_ACT_RELU, TT_ACT_SIGMOID, TT_ACT_TANH, TT_ACT_GELU_TANH, TT_ACT_GELU_ERF,
    ]
    // Few rows (the small path, partial panels split in place) and many (the blocked path, K slices).
    for path in GemmPathTests.paths {
      for (m, n, k) in [
        (1, 65, 17), (3, 69, 128), (2, 40, 33), (8, 10, 512), (17, 63, 257), (65, 257, 3), (96, 69, 600),
        (256, 10, 128), (40, 5, 600), (33, 12, 65),
      ] {
        for activation in activations {
          assertBitwise(Case(m: m, n: n, k: k, bias: true, activation: activation), path: path)
        }
        assertBitwise(Case(m: m, n: n, k: k, transposeA: true, rowBias: true, residual: true), path: path)
        assertBitwise(
          Case(m: m, n: n, k: k, bias: true, rowBias: true, residual: true, activation: TT_ACT_RELU),
          path: path)
      }
    }
  }

  /// A blob packed for another path (a library's weights read by a narrower path) still gives the
  /// product, computed strip by strip.
  func testBlobOfAnotherPathIsStillMultipliedCorrectly() {
    for path in GemmPathTests.paths {
      for packedFor in Self.allPaths
      where packedFor != path && tt_sgemm_packed_b_floats_isa(packedFor, 1, 1) > 0 {
        for (m, n, k) in [(1, 1, 17), (3, 65, 63), (17, 17, 257), (65, 3, 65)] {
          let t = Case(m: m, n: n, k: k, bias: true, residual: true, activation: TT_ACT_GELU_TANH)
          let (plain, packed) = products(t, path: path, packedFor: packedFor)
          assertClose(
            packed, plain, absolute: 1e-5 * Float(k), relative: 1e-5,
            "path \(path.rawValue), packed for \(packedFor.rawValue), \(t)")
        }
      }
    }
  }

  func testBlobOfAnotherShapeIsRefusedAndCIsUntouched() {
    let b = [Float](repeating: 1, count: 12)
    var packed = [Float](repeating: 0, count: Int(tt_sgemm_packed_b_floats(3, 4)))
    XCTAssertEqual(tt_sgemm_pack_b(3, 4, b, 4, &packed), 0)
    let a = [Float](repeating: 1, count: 8)
    var c = [Float](repeating: 7, count: 8)
    var scratch = [Float](repeating: 0, count: Int(tt_sgemm_scratch(2, 4, 4)))
    XCTAssertEqual(tt_sgemm_packed_b(2, 4, 4, a, 4, 0, packed, &c, 4, nil, &scratch), -1)  // k 4 ≠ 3
    XCTAssertEqual(tt_sgemm_packed_b(2, 3, 3, a, 3, 0, packed, &c, 3, nil, &scratch), -1)  // n 3 ≠ 4
    var garbage = [Float](repeating: 0, count: packed.count)
    XCTAssertEqual(tt_sgemm_packed_b(2, 4, 3, a, 3, 0, &garbage, &c, 4, nil, &scratch), -1)
    XCTAssertEqual(c, [Float](repeating: 7, count: 8))
    XCTAssertEqual(tt_sgemm_packed_b(2, 4, 3, a, 3, 0, packed, &c, 4, nil, &scratch), 0)
    XCTAssertEqual(c, [Float](repeating: 3, count: 8))
  }

  /// The packed form grows B by padding only: k × (n rounded up to one vector of the path: 16
  /// floats on AVX-512, 8 on AVX2, 4 portable) floats and a 64-byte header, so a narrow layer
  /// (n = 10) is not stored as wide as a register tile.
  func testPackedFormIsBPaddedToOneVectorAndAHeader() {
    let widths = [TT_ISA_PORTABLE: 4, TT_ISA_AVX2: 8, TT_ISA_AVX512: 16]
    for path in Self.allPaths where tt_sgemm_packed_b_floats_isa(path, 1, 1) > 0 {
      let width = widths[path]!
      for (k, n) in [(1, 1), (128, 69), (784, 512), (512, 10), (128, 10), (3, 40)] {
        let floats = Int(tt_sgemm_packed_b_floats_isa(path, Int64(k), Int64(n)))
        XCTAssertEqual(
          floats, 16 + k * ((n + width - 1) / width * width), "path \(path.rawValue), k \(k), n \(n)")
      }
    }
  }
}
