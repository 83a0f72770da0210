import TTKernels
import TTRuntime
import XCTest

/// The int8 kernels of Runtime/tt_qgemm.c: every instruction-set path this CPU runs, against a
/// plain integer loop, and the quantization arithmetic of docs/IR.md.
final class QuantizedLinearTests: XCTestCase {
  /// Deterministic bytes from a linear congruential generator (QuantizedConvolutionTests too).
  struct Bytes {
    var state: UInt64
    mutating func next() -> UInt8 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return UInt8(truncatingIfNeeded: state >> 33)
    }
  }

  private func reference(_ a: [Int8], _ w: [Int8], m: Int, n: Int, k: Int) -> [Int32] {
    var c = [Int32](repeating: 0, count: m * n)
    for i in 0..<m {
      for j in 0..<n {
        var sum: Int32 = 0
        for p in 0..<k { sum += Int32(a[i * k + p]) * Int32(w[j * k + p]) }
        c[i * n + j] = sum
      }
    }
    return c
  }

  /// The paths to test: each one the CPU can run (the portable one always).
  static var runnablePaths: [QuantizedLinear.KernelPath] {
    [.portable, .avx2, .avx512VNNI].filter { $0.resolved == $0 }
  }

  /// Odd sizes (1, 3, 17, 63, 65, 257) in every dimension, each path equal to the integer loop;
  /// then every block remainder of the AVX2 path (2 rows × 6 weight rows, k in steps of 16) and
  /// of the VNNI one (4 × 4, steps of 64).
  func testEveryPathMatchesTheIntegerLoopOnOddShapes() {
    let sizes = [1, 3, 17, 63, 65, 257]
    var shapes: [(Int, Int, Int)] = []
    for size in sizes { shapes += [(size, 3, 17), (3, size, 63), (17, 65, size)] }
    shapes += [(65, 63, 257), (257, 17, 65), (63, 257, 3)]
    for m in 1...4 {
      for n in 1...7 { shapes += [(m, n, [15, 16, 33, 64][(m + n) % 4])] }
    }
    var bytes = Bytes(state: 1)
    for (m, n, k) in shapes {
      let a = (0..<m * k).map { _ in Int8(bitPattern: bytes.next()) }
      let w = (0..<n * k).map { _ in Int8(Int(bytes.next() % 255) - 127) }
      let expected = reference(a, w, m: m, n: n, k: k)
      for path in Self.runnablePaths {
        var c = [Int32](repeating: -1, count: m * n)
        QuantizedLinear.gemm(a, w, m: m, n: n, k: k, &c, path: path)
        XCTAssertEqual(c, expected, "\(path.name) m=\(m) n=\(n) k=\(k)")
      }
    }
  }

  /// The corners where a product of int8 values would saturate int16 lanes: extreme values of
  /// equal sign in neighbouring pairs (a = −128 with w = −128 or −127, a = 127 with w = 127; a
  /// pair of −128 · −128 is 2¹⁵, one more than int16 holds), through `tt_qgemm` and through
  /// `tt_qlinear_packed` (unit scales and zero point 0, so its f32 output is the integer sum
  /// itself: |sum| ≤ 128 · 128 · 257 < 2²⁴ is exact in a float). The shapes end k with every kind
  /// of AVX2 tail (none, k < 16, a partial last step) and n with partial blocks.
  func testExtremeValuesDoNotSaturate() {
    var bytes = Bytes(state: 2)
    for (m, n, k) in [
      (4, 4, 64), (5, 3, 97), (1, 1, 32), (3, 17, 257), (17, 65, 63), (2, 6, 16), (3, 7, 15), (1, 5, 31),
      (2, 12, 33), (4, 2, 1),
    ] {
      let a = (0..<m * k).map { _ in bytes.next() & 1 == 0 ? Int8(-128) : 127 }
      let w = (0..<n * k).map { _ in [Int8(-128), -127, 127][Int(bytes.next() % 3)] }
      let expected = reference(a, w, m: m, n: n, k: k)
      var packed = [UInt8](repeating: 0, count: Int(tt_qpack_bytes(Int64(n), Int64(k))))
      tt_qpack(w, Int64(n), Int64(k), &packed)
      let ones = [Float](repeating: 1, count: n)
      for path in Self.runnablePaths {
        var c = [Int32](repeating: 0, count: m * n)
        QuantizedLinear.gemm(a, w, m: m, n: n, k: k, &c, path: path)
        XCTAssertEqual(c, expected, "\(path.name) m=\(m) n=\(n) k=\(k)")
        var y = [Float](repeating: 0, count: m * n)
        var scratch = [UInt8](
          repeating: 0, count: Int(tt_qlinear_packed_scratch(Int64(m), Int64(n), Int64(k))))
        tt_qlinear_packed(
          path.rawValue, Int64(m), Int64(n), Int64(k), a, packed, &scratch, 0, 1, ones, nil, 0, &y, nil, 1, 0)
        XCTAssertEqual(y, expected.map(Float.init), "packed \(path.name) m=\(m) n=\(n) k=\(k)")
      }
      // All −128 against all −128 (and −127, the weights docs/IR.md allows): the largest
      // products, every pair.
      for weight in [Int8(-128), -127] {
        let worst = reference(
          [Int8](repeating: -128, count: m * k), [Int8](repeating: weight, count: n * k), m: m, n: n, k: k)
        XCTAssertEqual(worst[0], Int32(-128 * Int(weight) * k))
        for path in Self.runnablePaths {
          var c = [Int32](repeating: 0, count: m * n)
          QuantizedLinear.gemm(
            [Int8](repeating: -128, count: m * k), [Int8](repeating: weight, count: n * k), m: m, n: n, k: k,
            &c,
            path: path)
          XCTAssertEqual(c, worst, "\(path.name) all extreme (w = \(weight)), m=\(m) n=\(n) k=\(k)")
        }
      }
    }
  }

  func testThisMachineRunsItsBestPath() {
    // Recorded in the test log so a run shows which paths were exercised.
    print(
      "int8 kernel paths run here: \(Self.runnablePaths.map(\.name)); automatic: \(QuantizedLinear.KernelPath.automatic.resolved.name)"
    )
    XCTAssertEqual(QuantizedLinear.KernelPath.portable.resolved, .portable)
    XCTAssertTrue(Self.runnablePaths.contains(QuantizedLinear.KernelPath.automatic.resolved))
  }

  /// `tt_dynamic_qparams` (docs/IR.md, dynamic `quantized_linear`): the range [min(x, 0), max(x, 0)]
  /// over the finite values, at lengths around its 16-wide loop, with ±inf and NaN anywhere.
  func testDynamicParametersSkipValuesThatAreNotFinite() {
    var bytes = Bytes(state: 3)
    for count in [0, 1, 3, 15, 16, 17, 33, 100] {
      for shift: Float in [0, 5, -5] {
        var x = (0..<count).map { _ in Float(Int(bytes.next()) - 128) / 16 + shift }
        for (index, special) in [Float.infinity, -.infinity, .nan].enumerated() where index * 7 < count {
          x[index * 7] = special
        }
        let finite = x.filter(\.isFinite)
        let (lo, hi) = (min(finite.min() ?? 0, 0), max(finite.max() ?? 0, 0))
        var expectedScale = (hi - lo) / 255
        if !(expectedScale > 0) || !expectedScale.isFinite { expectedScale = 1 }
        let expectedZero = Int32(min(max((-128 - lo / expectedScale).rounded(.toNearestOrEven), -128), 127))
        var scale: Float = 0
        var zeroPoint: Int32 = 0
        tt_dynamic_qparams(x, Int64(count), &scale, &zeroPoint)
        XCTAssertEqual(scale, expectedScale, "count \(count), shift \(shift)")
        XCTAssertEqual(zeroPoint, expectedZero, "count \(count), shift \(shift)")
      }
    }
  }

  /// quantize rounds x / scale half to even, adds the zero point, clamps; NaN gives the zero point;
  /// on every path, each value both in a vector of 8 and in the scalar tail.
  func testQuantizeRoundsTiesToEvenAndDequantizeInverts() {
    let scale: Float = 0.5
    let x: [Float] = [0.25, 0.75, 1.25, -0.25, -0.75, 100, -100, .nan, 0]
    // x / scale = 0.5, 1.5, 2.5, −0.5, −1.5 → 0, 2, 2, −0, −2 (ties to even), then + 3.
    let expected: [Int8] = [3, 5, 5, 3, 1, 127, -128, 3, 3]
    for path in Self.runnablePaths {
      for shift in 0..<x.count {
        let rotated = Array(x[shift...] + x[..<shift]), long = rotated + rotated + [.infinity, -.infinity]
        var q = [Int8](repeating: 0, count: long.count)
        Quantization.quantize(long, count: long.count, scale: scale, zeroPoint: 3, &q, path: path)
        let rotatedExpected = Array(expected[shift...] + expected[..<shift])
        XCTAssertEqual(q, rotatedExpected + rotatedExpected + [127, -128], "\(path.name), shift \(shift)")
      }
    }
    var q = [Int8](repeating: 0, count: x.count)
    Quantization.quantize(x, count: x.count, scale: scale, zeroPoint: 3, &q)
    XCTAssertEqual(q, expected)
    var back = [Float](repeating: 0, count: q.count)
    Quantization.dequantize(q, count: q.count, scale: scale, zeroPoint: 3, &back)
    XCTAssertEqual(back, [0, 1, 1, 0, -1, 62, -65.5, 0, 0])
  }

  /// The epilogue, written out: (acc − x_zero_point · Σw) as float, times x_scale · w_scale[j],
  /// plus bias, ReLU, and for an int8 output one more quantization; exactly, on every path.
  func testLinearFollowsTheDocumentedArithmetic() {
    let (m, k, n) = (3, 5, 4)
    let x: [Int8] = (0..<m * k).map { Int8($0 * 7 % 19 - 9) }
    let w: [Int8] = (0..<n * k).map { Int8($0 * 5 % 23 - 11) }
    let scales: [Float] = [0.01, 0.02, 0.015, 0.03]
    let bias: [Float] = [0.1, -0.2, 0.05, 0]
    let (xScale, xZero, outScale, outZero): (Float, Int, Float, Int) = (0.05, -3, 0.02, 7)
    let acc = reference(x, w, m: m, n: n, k: k)
    var expectedF32 = [Float](repeating: 0, count: m * n)
    var expectedI8 = [Int8](repeating: 0, count: m * n)
    for i in 0..<m {
      for j in 0..<n {
        let sum = w[j * k..<(j + 1) * k].reduce(Int32(0)) { $0 + Int32($1) }
        let product = Float(acc[i * n + j] - Int32(xZero) * sum) * (xScale * scales[j])
        let y = max(product + bias[j], 0)
        expectedF32[i * n + j] = y
        let q = (y / outScale).rounded(.toNearestOrEven) + Float(outZero)
        expectedI8[i * n + j] = Int8(min(max(q, -128), 127))
      }
    }
    for path in Self.runnablePaths {
      var f32 = [Float](repeating: 0, count: m * n)
      var i8 = [Int8](repeating: 0, count: m * n)
      x.withUnsafeBufferPointer { xs in
        let input = QuantizedLinear.Input.int8(xs.baseAddress!, scale: xScale, zeroPoint: xZero)
        f32.withUnsafeMutableBufferPointer { out in
          QuantizedLinear.run(
            input, rows: m, inFeatures: k, weight: w, outFeatures: n, weightScales: scales, bias: bias,
            relu: true,
            .float(out.baseAddress!), path: path)
        }
        i8.withUnsafeMutableBufferPointer { out in
          QuantizedLinear.run(
            input, rows: m, inFeatures: k, weight: w, outFeatures: n, weightScales: scales, bias: bias,
            relu: true,
            .int8(out.baseAddress!, scale: outScale, zeroPoint: outZero), path: path)
        }
      }
      XCTAssertEqual(f32, expectedF32, path.name)
      XCTAssertEqual(i8, expectedI8, path.name)
    }
  }

  /// `tt_qlinear_packed` (the layers of compiled models, weights packed by `tt_qpack`) gives the
  /// bits of `tt_qgemm` + `tt_qlinear_epilogue` on every path: odd shapes (1, 3, 17, 63, 65, 257:
  /// k not a multiple of 4, n not of 8, 16 or 64, m not of AVX2's 6-row blocks), zero points that
  /// do and do not cancel the VNNI offset, with and without bias and ReLU, f32 and int8 outputs, a
  /// zero output scale (NaN and ±inf); contiguous rows (`tt_qlinear_packed`) and strided outputs
  /// (`tt_qlinear_packed_strided`, which few rows run through another kernel).
  func testPackedWeightsGiveTheBitsOfTheUnpackedPath() {
    var bytes = Bytes(state: 3)
    let shapes = [
      (1, 1, 1), (1, 10, 128), (1, 128, 64), (2, 17, 33), (3, 65, 7), (4, 130, 257), (17, 63, 65),
      (63, 3, 257),
      (65, 257, 17), (257, 17, 3),
      // AVX2 blocks of 6 rows over a widened panel: each remainder height (1, 2, 4) once.
      (7, 9, 13), (8, 24, 5), (64, 20, 19),
    ]
    for (m, n, k) in shapes {
      let x = (0..<m * k).map { _ in Int8(bitPattern: bytes.next()) }
      let w = (0..<n * k).map { _ in Int8(Int(bytes.next() % 255) - 127) }
      let scales = (0..<n).map { Float(1 + $0 % 7) * 0.003 }
      let bias = (0..<n).map { Float($0 % 5) * 0.25 - 0.5 }
      var sums = [Int32](repeating: 0, count: n)
      tt_qgemm_row_sums(w, Int64(n), Int64(k), Int64(k), &sums)
      var acc = [Int32](repeating: 0, count: m * n)
      tt_qgemm(
        QuantizedLinear.KernelPath.portable.rawValue, Int64(m), Int64(n), Int64(k), x, Int64(k), w, Int64(k),
        sums, &acc, Int64(n))
      var packed = [UInt8](repeating: 0, count: Int(tt_qpack_bytes(Int64(n), Int64(k))))
      tt_qpack(w, Int64(n), Int64(k), &packed)
      for (xZero, outScale, relu, hasBias) in [
        (-128, Float(0.05), 1, true), (-5, 0.02, 0, true), (17, 0.1, 1, false), (0, 0, 0, true),
      ] {
        let b: [Float]? = hasBias ? bias : nil
        var expected = ([Float](repeating: 0, count: m * n), [Int8](repeating: 0, count: m * n))
        tt_qlinear_epilogue(
          acc, Int64(m), Int64(n), Int64(n), sums, Int32(xZero), 0.04, scales, b, Int32(relu), &expected.0,
          nil, 1, 0)
        tt_qlinear_epilogue(
          acc, Int64(m), Int64(n), Int64(n), sums, Int32(xZero), 0.04, scales, b, Int32(relu), nil,
          &expected.1, outScale, 3)
        for path in Self.runnablePaths {
          var f32 = [Float](repeating: -1, count: m * n)
          var i8 = [Int8](repeating: -1, count: m * n)
          var scratch = [UInt8](
            repeating: 0, count: Int(tt_qlinear_packed_scratch(Int64(m), Int64(n), Int64(k))))
          tt_qlinear_packed(
            path.rawValue, Int64(m), Int64(n), Int64(k), x, packed, &scratch, Int32(xZero), 0.04, scales,
            b, Int32(relu), &f32, nil, 1, 0)
          tt_qlinear_packed(
            path.rawValue, Int64(m), Int64(n), Int64(k), x, packed, &scratch, Int32(xZero), 0.04, scales,
            b, Int32(relu), nil, &i8, outScale, 3)
          let context = "\(path.name) m=\(m) n=\(n) k=\(k) x_zero=\(xZero) relu=\(relu) bias=\(hasBias)"
          XCTAssertEqual(f32.map(\.bitPattern), expected.0.map(\.bitPattern), context)
          XCTAssertEqual(i8, expected.1, context)
          // Strided outputs (as convolutions store them: y[i][j] at j · m + i) take the other
          // few-row kernel, whose stores are not contiguous.
          var stridedF32 = [Float](repeating: -1, count: m * n)
          var stridedI8 = [Int8](repeating: -1, count: m * n)
          tt_qlinear_packed_strided(
            path.rawValue, Int64(m), Int64(n), Int64(k), x, packed, &scratch, Int32(xZero), 0.04, scales,
            b, Int32(relu), &stridedF32, nil, 1, Int64(m), 1, 0)
          tt_qlinear_packed_strided(
            path.rawValue, Int64(m), Int64(n), Int64(k), x, packed, &scratch, Int32(xZero), 0.04, scales,
            b, Int32(relu), nil, &stridedI8, 1, Int64(m), outScale, 3)
          let transposed = (0..<m * n).map { ($0 % m) * n + $0 / m }
          XCTAssertEqual(
            stridedF32.map(\.bitPattern), transposed.map { expected.0[$0].bitPattern }, "strided " + context)
          XCTAssertEqual(stridedI8, transposed.map { expected.1[$0] }, "strided " + context)
        }
      }
    }
  }
}
