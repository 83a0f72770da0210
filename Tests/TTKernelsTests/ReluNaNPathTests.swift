import TTRuntime
import XCTest

/// The `relu` fused into the GEMM (f32 and f16 B) and the convolution gives 0 for a NaN product
/// on every instruction-set path this CPU runs, as the standalone `relu` (`x > 0 ? x : 0`,
/// docs/IR.md "NaN and overflow"); a vector max instruction with its operands the wrong way round
/// would pass the NaN on (issue 13).
final class ReluNaNPathTests: XCTestCase {
  static var paths: [tt_isa] {
    [TT_ISA_PORTABLE, TT_ISA_AVX2, TT_ISA_AVX512].filter { tt_isa_available($0) != 0 }
  }

  /// A 3×17 product whose row 1 is NaN (a NaN in A) and whose other rows are finite; 17 columns
  /// reach a full vector and a remainder on every path.
  func testGemmReluTurnsNaNRowsIntoZeros() {
    let (m, n, k) = (3, 17, 5)
    var a = (0..<(m * k)).map { Float($0 % 7) - 3 }
    a[k + 2] = .nan
    let b = (0..<(k * n)).map { Float($0 % 5) - 2 }
    let halves = b.map { tt_float_to_half($0) }
    for path in Self.paths {
      for half in [false, true] {
        var c = [Float](repeating: -1, count: m * n)
        var epilogue = tt_epilogue(
          bias: nil, row_bias: nil, residual: nil, ldr: 0, activation: Int32(TT_ACT_RELU.rawValue))
        let scratchCount =
          half
          ? tt_hgemm_scratch(Int64(m), Int64(n), Int64(k)) : tt_sgemm_scratch(Int64(m), Int64(n), Int64(k))
        var scratch = [Float](repeating: 0, count: Int(max(scratchCount, 1)))
        if half {
          tt_hgemm_isa(
            path, Int64(m), Int64(n), Int64(k), a, Int64(k), halves, Int64(n), &c, Int64(n), &epilogue,
            &scratch)
        } else {
          tt_sgemm_isa(
            path, Int64(m), Int64(n), Int64(k), a, Int64(k), 0, b, Int64(n), 0, &c, Int64(n), &epilogue,
            &scratch)
        }
        XCTAssertEqual(
          Array(c[n..<(2 * n)]).map(\.bitPattern), [UInt32](repeating: 0, count: n),
          "path \(path), f16 \(half)")
        XCTAssertFalse(c.contains { $0.isNaN || $0 < 0 }, "path \(path), f16 \(half): \(c)")
      }
    }
  }

  /// A 1×1×4×19 image with one NaN under a 3×3 convolution (stride 1, padding 1): the outputs
  /// whose window holds it are 0 on every path.
  func testConvolutionReluTurnsNaNWindowsIntoZeros() {
    var shape = tt_conv2d_shape(
      n: 1, c: 1, h: 4, w: 19, o: 2, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1, groups: 1, oh: 4,
      ow: 19)
    var x = (0..<76).map { Float($0 % 9) - 4 }
    x[19 + 10] = .nan  // row 1, column 10
    let weight = (0..<18).map { Float($0 % 4) - 1.5 }
    for path in Self.paths {
      var y = [Float](repeating: -1, count: 2 * 4 * 19)
      var scratch = [Float](repeating: 0, count: Int(max(tt_conv2d_scratch(&shape), 1)))
      tt_conv2d_isa(path, &shape, x, weight, nil, nil, Int32(TT_ACT_RELU.rawValue), &y, &scratch)
      for channel in 0..<2 {
        for row in 0...2 {
          for column in 9...11 {
            XCTAssertEqual(
              y[(channel * 4 + row) * 19 + column].bitPattern, 0,
              "path \(path) (\(channel), \(row), \(column))")
          }
        }
      }
      XCTAssertFalse(y.contains { $0.isNaN || $0 < 0 }, "path \(path): \(y)")
    }
  }
}
