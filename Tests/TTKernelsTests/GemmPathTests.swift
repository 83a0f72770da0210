import Foundation
import TTRuntime
import XCTest

/// Every instruction-set path of the runtime's GEMM (`tt_sgemm_isa`: AVX-512, AVX2+FMA and the
/// portable one, as far as this CPU runs them) against a Double reference, on odd sizes (1, 3, 17,
/// 63, 65, 257 in every dimension, hitting every tile and block remainder), leading dimensions
/// larger than the rows, transposes, k = 0 and every epilogue term.
final class GemmPathTests: XCTestCase {
  static let sizes = [1, 3, 17, 63, 65, 257]

  /// The paths this machine can run; the portable one always.
  static var paths: [tt_isa] {
    [TT_ISA_PORTABLE, TT_ISA_AVX2, TT_ISA_AVX512].filter { tt_isa_available($0) != 0 }
  }

  struct Case {
    var m: Int, n: Int, k: Int
    var transposeA = false, transposeB = false
    var padding = 0
    var bias = false, rowBias = false, residual = false
    var activation = TT_ACT_NONE
    /// B stored as float16 and multiplied by `tt_hgemm_isa` (no transposes).
    var halfB = false
  }

  func run(_ t: Case, path: tt_isa, file: StaticString = #filePath, line: UInt = #line) {
    var random = TestRandom(seed: UInt64(t.m * 1_000_000 + t.n * 1000 + t.k))
    let (aRows, aCols) = t.transposeA ? (t.k, t.m) : (t.m, t.k)
    let (bRows, bCols) = t.transposeB ? (t.n, t.k) : (t.k, t.n)
    let (lda, ldb, ldc) = (aCols + t.padding, bCols + t.padding, t.n + t.padding)
    let a = random.values(max(aRows * lda, 1))
    var b = random.values(max(bRows * ldb, 1))
    let halves = b.map { tt_float_to_half($0) }
    if t.halfB { b = halves.map { tt_half_to_float($0) } }
    let bias = random.values(t.n)
    let rowBias = random.values(t.m)
    var c = random.values(t.m * ldc)  // also the residual (C += product), padding must survive
    var expected = c
    for i in 0..<t.m {
      for j in 0..<t.n {
        var s = 0.0
        for p in 0..<t.k {
          let x = t.transposeA ? a[p * lda + i] : a[i * lda + p]
          let y = t.transposeB ? b[j * ldb + p] : b[p * ldb + j]
          s += Double(x) * Double(y)
        }
        if t.bias { s += Double(bias[j]) }
        if t.rowBias { s += Double(rowBias[i]) }
        if t.residual { s += Double(c[i * ldc + j]) }
        expected[i * ldc + j] = Float(Self.activate(s, t.activation))
      }
    }
    let scratchSize =
      t.halfB
      ? tt_hgemm_scratch(Int64(t.m), Int64(t.n), Int64(t.k))
      : tt_sgemm_scratch(Int64(t.m), Int64(t.n), Int64(t.k))
    let scratch = [Float](repeating: .nan, count: Int(scratchSize))
    var scratchCopy = scratch
    bias.withUnsafeBufferPointer { biasPointer in
      rowBias.withUnsafeBufferPointer { rowBiasPointer in
        c.withUnsafeMutableBufferPointer { cPointer in
          var epilogue = tt_epilogue(
            bias: t.bias ? biasPointer.baseAddress : nil,
            row_bias: t.rowBias ? rowBiasPointer.baseAddress : nil,
            residual: t.residual ? UnsafePointer(cPointer.baseAddress) : nil, ldr: Int64(ldc),
            activation: Int32(t.activation.rawValue))
          if t.halfB {
            tt_hgemm_isa(
              path, Int64(t.m), Int64(t.n), Int64(t.k), a, Int64(lda), halves, Int64(ldb),
              cPointer.baseAddress,
              Int64(ldc), &epilogue, &scratchCopy)
          } else {
            tt_sgemm_isa(
              path, Int64(t.m), Int64(t.n), Int64(t.k), a, Int64(lda), t.transposeA ? 1 : 0, b, Int64(ldb),
              t.transposeB ? 1 : 0, cPointer.baseAddress, Int64(ldc), &epilogue, &scratchCopy)
          }
        }
      }
    }
    assertClose(
      c, expected, absolute: 2e-6 * Float(t.k + 1), relative: 1e-5, "path \(path.rawValue) \(t)", file: file,
      line: line)
  }

  static func activate(_ x: Double, _ activation: tt_activation) -> Double {
    switch activation {
    case TT_ACT_RELU: return max(x, 0)
    case TT_ACT_SIGMOID: return 1 / (1 + exp(-x))
    case TT_ACT_TANH: return tanh(x)
    case TT_ACT_GELU_TANH: return 0.5 * x * (1 + tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)))
    case TT_ACT_GELU_ERF: return 0.5 * x * (1 + erf(x / 2.0.squareRoot()))
    default: return x
    }
  }

  func testOddSizesOnEveryPath() {
    for path in Self.paths {
      for m in Self.sizes {
        for n in Self.sizes {
          for k in Self.sizes where [m, n, k].filter({ $0 == 257 }).count <= 1 {
            run(Case(m: m, n: n, k: k), path: path)
          }
        }
      }
    }
  }

  func testTransposesAndLeadingDimensionsOnEveryPath() {
    for path in Self.paths {
      for (m, n, k) in [(1, 65, 17), (3, 17, 63), (17, 63, 3), (65, 3, 257), (63, 65, 65), (257, 17, 1)] {
        for (ta, tb) in [(true, false), (false, true), (true, true)] {
          run(Case(m: m, n: n, k: k, transposeA: ta, transposeB: tb, padding: 3), path: path)
        }
        run(Case(m: m, n: n, k: k, padding: 5), path: path)
      }
    }
  }

  func testEpiloguesOnEveryPath() {
    let activations = [
      TT_ACT_NONE, TT_ACT_RELU, TT_ACT_SIGMOID, TT_ACT_TANH, TT_ACT_GELU_TANH, TT_ACT_GELU_ERF,
    ]
    for path in Self.paths {
      for (index, (m, n, k)) in [
        (1, 17, 3), (3, 65, 63), (2, 40, 9), (17, 63, 257), (65, 17, 300), (63, 3, 17), (29, 10, 33),
        (40, 5, 600),
      ]
      .enumerated() {
        for activation in activations {
          run(Case(m: m, n: n, k: k, bias: true, activation: activation), path: path)
        }
        run(Case(m: m, n: n, k: k, padding: 2, rowBias: true, residual: true), path: path)
        run(
          Case(
            m: m, n: n, k: k, transposeA: index % 2 == 0, transposeB: index % 2 == 1, bias: true,
            rowBias: true,
            residual: true, activation: TT_ACT_RELU), path: path)
      }
    }
  }

  /// `tt_hgemm_isa` (B as float16): the few-row kernel that reads halves (m < 8; full 64-column
  /// panels on AVX-512, 32 elsewhere, then the rest) and the widened blocks (m ≥ 8), with
  /// leading dimensions, every epilogue term and k = 0.
  func testHalfPrecisionBOnEveryPath() {
    for path in Self.paths {
      for m in [1, 3, 7, 8, 17, 65] {
        for (n, k) in [(1, 1), (17, 63), (65, 17), (257, 3), (64, 65), (130, 257), (5, 0)] {
          run(Case(m: m, n: n, k: k, halfB: true), path: path)
          run(
            Case(
              m: m, n: n, k: k, padding: 3, bias: true, rowBias: true, residual: true,
              activation: m % 2 == 0 ? TT_ACT_RELU : TT_ACT_GELU_TANH, halfB: true), path: path)
        }
      }
    }
  }

  /// Few rows read B's halves in place: the scratch holds at most the zero-padded copy of the last
  /// partial panel (k × 64 halves), never a widened copy of B (k × n floats), and no more than
  /// `tt_sgemm` needs for the same product.
  func testHalfPrecisionFewRowsNeedNoWidenedCopyOfB() {
    for m in [1, 3, 7] {
      for (n, k) in [(128, 64), (10, 128), (512, 784), (1024, 1024)] {
        let scratch = tt_hgemm_scratch(Int64(m), Int64(n), Int64(k))
        XCTAssertLessThanOrEqual(scratch, Int64(k * 32), "m \(m), n \(n), k \(k)")
        XCTAssertLessThanOrEqual(
          scratch, tt_sgemm_scratch(Int64(m), Int64(n), Int64(k)), "m \(m), n \(n), k \(k)")
      }
    }
  }

  /// Every float16 bit pattern widens exactly on every path (NaNs stay NaNs; F16C quiets
  /// signaling ones).
  func testHalfWideningIsExactOnEveryPath() {
    let bits = (0...UInt16.max).map { $0 }
    for path in Self.paths {
      var floats = [Float](repeating: 0, count: bits.count)
      tt_half_to_float_array_isa(path, bits, Int64(bits.count), &floats)
      for (half, float) in zip(bits, floats) {
        let expected = tt_half_to_float(half)
        if expected.isNaN {
          XCTAssertTrue(float.isNaN, "path \(path.rawValue), bits \(half)")
        } else {
          XCTAssertEqual(float.bitPattern, expected.bitPattern, "path \(path.rawValue), bits \(half)")
        }
      }
    }
  }

  func testEmptyInnerDimensionGivesTheEpilogueOfZero() {
    for path in Self.paths {
      for (m, n) in [(1, 1), (3, 17), (17, 65)] {
        run(Case(m: m, n: n, k: 0), path: path)
        run(
          Case(m: m, n: n, k: 0, bias: true, rowBias: true, residual: true, activation: TT_ACT_RELU),
          path: path)
      }
    }
  }

  func testThisMachineRunsAVectorPath() throws {
    #if arch(x86_64)
      // Every x86-64 machine this project targets has AVX2 + FMA; a regression in detection would
      // silently fall back to the portable path. (TT_ISA=portable caps the path on purpose.)
      XCTAssertNotEqual(tt_cpu_features() & UInt32(TT_CPU_AVX2.rawValue), 0)
      if getenv("TT_ISA") == nil {
        XCTAssertGreaterThanOrEqual(tt_best_isa().rawValue, TT_ISA_AVX2.rawValue)
      }
    #else
      throw XCTSkip("no vector path on this architecture")
    #endif
  }
}
