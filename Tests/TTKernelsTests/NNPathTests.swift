import Foundation
import TTRuntime
import XCTest

/// The nn kernels of `Runtime/tt_nn.c` (softmax, layer norm, attention, pooling) on every
/// instruction-set path the machine runs (`tt_*_isa`) and the portable one, against Double
/// reference loops over odd sizes (1, 3, 17, 63, 65, 257), fully masked rows, −∞ and strides.
final class NNPathTests: XCTestCase {
  static var paths: [tt_isa] {
    [TT_ISA_PORTABLE, TT_ISA_AVX2, TT_ISA_AVX512].filter { tt_isa_available($0) != 0 }
  }

  func testSoftmaxOnEveryPath() {
    for length in [1, 3, 17, 63, 65, 257] {
      for inner in [1, 3, 17] {
        let outer = 3
        var random = TestRandom(seed: UInt64(length * 10 + inner))
        var x = random.values(outer * length * inner).map { $0 * 20 }
        // The second row is fully masked, the third has a masked element.
        for j in 0..<length { x[(1 * length + j) * inner] = -.infinity }
        x[(2 * length) * inner] = -.infinity
        for log in [false, true] {
          var expected = [Float](repeating: 0, count: x.count)
          for o in 0..<outer {
            for i in 0..<inner {
              let row = (0..<length).map { Double(x[(o * length + $0) * inner + i]) }
              let m = row.max()!
              let sum = row.reduce(0) { $0 + (m == -.infinity ? 0 : Foundation.exp($1 - m)) }
              for j in 0..<length {
                let value: Double =
                  m == -.infinity
                  ? (log ? .nan : 0)
                  : log ? (row[j] - m) - Foundation.log(sum) : Foundation.exp(row[j] - m) / sum
                expected[(o * length + j) * inner + i] = Float(value)
              }
            }
          }
          for path in Self.paths {
            var y = [Float](repeating: .nan, count: x.count)
            tt_softmax_isa(path, x, &y, Int64(outer), Int64(length), Int64(inner), log ? 1 : 0)
            assertCloseOrBothNaN(
              y, expected, "softmax path \(path.rawValue) length \(length) inner \(inner) log \(log)")
          }
        }
      }
    }
  }

  /// docs/IR.md: a term `exp(x − m)` with `x − m < −87` is exactly 0, on rows of contiguous
  /// elements and on rows `inner` apart alike; log_softmax's outputs are never flushed.
  func testSoftmaxTermsBelowEToTheMinus87AreZeroOnEveryAxisAndPath() {
    let row: [Float] = [0, -87.5, -86.5, -200, 0]
    let e = Foundation.exp(-86.5)
    let sum = 2 + e
    let expected = [1 / sum, 0, e / sum, 0, 1 / sum].map { Float($0) }
    let expectedLog = row.map { $0 - Float(Foundation.log(sum)) }
    for inner in [1, 3, 17] {
      // Element j of row i lies at j · inner + i: every one of the `inner` rows is `row`.
      let x = row.flatMap { [Float](repeating: $0, count: inner) }
      for path in Self.paths {
        var y = [Float](repeating: .nan, count: x.count)
        tt_softmax_isa(path, x, &y, 1, Int64(row.count), Int64(inner), 0)
        var logY = y
        tt_softmax_isa(path, x, &logY, 1, Int64(row.count), Int64(inner), 1)
        for i in 0..<inner {
          let column = (0..<row.count).map { y[$0 * inner + i] }
          XCTAssertEqual(column[1], 0, "path \(path.rawValue) inner \(inner)")
          XCTAssertEqual(column[3], 0, "path \(path.rawValue) inner \(inner)")
          XCTAssertGreaterThan(column[2], 0, "path \(path.rawValue) inner \(inner)")
          assertClose(column, expected, absolute: 0, relative: 1e-6, "path \(path.rawValue) inner \(inner)")
          let logColumn = (0..<row.count).map { logY[$0 * inner + i] }
          assertClose(logColumn, expectedLog, relative: 1e-6, "log, path \(path.rawValue) inner \(inner)")
        }
      }
    }
  }

  /// A row holding a NaN, or +∞ (∞ − ∞ is NaN), is all NaN in softmax and log_softmax (docs/IR.md),
  /// whether its elements are contiguous or `inner` apart; the other rows are untouched by it.
  func testSoftmaxOfNaNAndInfiniteRowsOnEveryPath() {
    for inner in [1, 3, 17] {
      for length in [3, 17, 40] {
        var random = TestRandom(seed: UInt64(length * 7 + inner))
        var x = random.values(3 * length * inner)
        x[(0 * length + length / 2) * inner] = .nan
        x[(1 * length + length - 1) * inner] = .infinity
        for log in [false, true] {
          for path in Self.paths {
            var y = [Float](repeating: 0, count: x.count)
            tt_softmax_isa(path, x, &y, 3, Int64(length), Int64(inner), log ? 1 : 0)
            let message = "path \(path.rawValue) length \(length) inner \(inner) log \(log)"
            for j in 0..<length {
              XCTAssertTrue(y[j * inner].isNaN, "NaN row, element \(j): \(y[j * inner]) \(message)")
              XCTAssertTrue(y[(length + j) * inner].isNaN, "∞ row, element \(j) \(message)")
              XCTAssertTrue(y[(2 * length + j) * inner].isFinite, "plain row, element \(j) \(message)")
              if inner > 1 { XCTAssertTrue(y[j * inner + 1].isFinite, "neighbour row \(j) \(message)") }
            }
          }
        }
      }
    }
  }

  /// Layer norm runs 16 rows at a time, 16 lanes per row: whole and partial blocks of rows (1, 3,
  /// 16, 17, 33) and rows with and without a tail past the last 16 values.
  func testLayerNormOnEveryPath() {
    for (length, rows) in zip([1, 3, 17, 63, 64, 65, 257], [3, 17, 1, 33, 16, 5, 3]) {
      var random = TestRandom(seed: UInt64(length))
      let x = random.values(rows * length).map { $0 * 4 + 1 }
      let gamma = random.values(length), beta = random.values(length)
      for affine in [false, true] {
        var expected = [Float](repeating: 0, count: x.count)
        var (expectedMean, expectedRstd) = ([Float](), [Float]())
        for r in 0..<rows {
          let row = (0..<length).map { Double(x[r * length + $0]) }
          let mean = row.reduce(0, +) / Double(length)
          let variance = row.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(length)
          expectedMean.append(Float(mean))
          expectedRstd.append(Float(1 / (variance + 1e-5).squareRoot()))
          for j in 0..<length {
            var value = (row[j] - mean) / (variance + 1e-5).squareRoot()
            if affine { value = value * Double(gamma[j]) + Double(beta[j]) }
            expected[r * length + j] = Float(value)
          }
        }
        for path in Self.paths {
          var y = [Float](repeating: .nan, count: x.count)
          var (mean, rstd) = ([Float](repeating: .nan, count: rows), [Float](repeating: .nan, count: rows))
          tt_layer_norm_isa(
            path, x, affine ? gamma : nil, affine ? beta : nil, &y, Int64(rows), Int64(length), 1e-5, &mean,
            &rstd)
          let message = "layer norm path \(path.rawValue) length \(length)"
          assertClose(y, expected, absolute: 1e-4, relative: 1e-4, message)
          assertClose(mean, expectedMean, message)
          assertClose(rstd, expectedRstd, absolute: 1e-4, relative: 1e-4, message)
        }
      }
    }
  }

  /// Every attention form (by query lanes: 8+ queries, at most 16 keys, no mask; fewer than 8
  /// queries; heads of at most 64 columns with 8+ queries; the GEMM form), causal and not, without
  /// a mask, with a float mask (one row fully −∞) and with an integer keep-mask; q, k, v and y are
  /// heads packed in wider rows (row strides larger than the head). The small form's kᵀ goes 16
  /// columns × 16 keys at a time: heads of 16, 17 and 33 columns with 8, 17 and 65 keys cover whole
  /// blocks, column tails and key tails. The few-query form's weighted sum goes 64 columns at a
  /// time: value heads of 32 (a decode step of the TinyTalks GPT), 80 and 3 columns cover whole,
  /// partial and no vectors. The lanes form takes 8 queries and 8 keys at a time and 16, 8, then 1
  /// value columns: 9, 17 and 65 queries with 1, 3, 9 and 16 keys and 1 to 65 columns cover its
  /// tails.
  func testAttentionOnEveryPath() {
    let shapes = [
      (1, 3, 17, 17), (17, 17, 3, 65), (63, 65, 17, 1), (9, 1, 65, 3), (3, 257, 65, 17), (8, 8, 16, 16),
      (17, 65, 33, 32), (1, 96, 32, 32), (2, 20, 16, 80), (7, 9, 8, 3), (17, 3, 17, 25), (65, 16, 33, 1),
      (9, 9, 7, 65),
    ]
    for (sq, sk, d, dv) in shapes {
      for causal in [false, true] {
        for maskKind in 0..<3 {
          var random = TestRandom(seed: UInt64(sq * 1000 + sk * 10 + d))
          let (ldq, ldk, ldv, ldy) = (d + 3, d + 1, dv + 2, dv + 5)
          let q = random.values(sq * ldq), k = random.values(sk * ldk), v = random.values(sk * ldv)
          var floatMask = random.values(sq * sk)
          for j in 0..<sk { floatMask[sk * (sq / 2) + j] = -.infinity }
          let keepMask: [Int32] = (0..<(sq * sk)).map { $0 % 3 == 1 ? 0 : 1 }
          let scale: Float = 0.35
          var expected = [Float](repeating: 0, count: sq * ldy)
          for i in 0..<sq {
            var scores = [Double](repeating: -.infinity, count: sk)
            for j in 0..<sk where !causal || j <= i + sk - sq {
              var s = 0.0
              for c in 0..<d { s += Double(q[i * ldq + c]) * Double(k[j * ldk + c]) }
              s *= Double(scale)
              switch maskKind {
              case 1: s += Double(floatMask[i * sk + j])
              case 2: if keepMask[i * sk + j] == 0 { s = -.infinity }
              default: break
              }
              scores[j] = s
            }
            let m = scores.max()!
            guard m > -.infinity else { continue }  // every key blocked: a zero row
            let weights = scores.map { Foundation.exp($0 - m) }
            let sum = weights.reduce(0, +)
            for c in 0..<dv {
              var out = 0.0
              for j in 0..<sk { out += weights[j] / sum * Double(v[j * ldv + c]) }
              expected[i * ldy + c] = Float(out)
            }
          }
          let scratchCount = Int(tt_attention_scratch(Int64(sq), Int64(sk), Int64(d), Int64(dv)))
          for path in Self.paths {
            var y = [Float](repeating: 0, count: sq * ldy)
            var scratch = [Float](repeating: .nan, count: max(scratchCount, 1))
            func run(_ mask: UnsafeRawPointer?, _ dtype: Int32) {
              tt_attention_head_isa(
                path, q, Int64(ldq), k, Int64(ldk), v, Int64(ldv), mask, dtype, Int64(sk), 1, &y, Int64(ldy),
                Int64(sq), Int64(sk), Int64(d), Int64(dv), scale, causal ? 1 : 0, &scratch)
            }
            switch maskKind {
            case 1: run(floatMask, Int32(TT_F32.rawValue))
            case 2: run(keepMask, Int32(TT_I32.rawValue))
            default: run(nil, Int32(TT_F32.rawValue))
            }
            assertClose(
              y, expected, absolute: 1e-5, relative: 1e-4,
              "attention path \(path.rawValue) \(sq)×\(sk) d \(d) dv \(dv) causal \(causal) mask \(maskKind)")
          }
        }
      }
    }
  }

  /// Max and average pooling: the 2×2 stride-2 form (rows of 1, 3, 17 and 65 outputs) and general
  /// windows with padding and strides.
  func testPoolingOnEveryPath() {
    let cases: [(h: Int, w: Int, k: Int, s: Int, p: Int)] = [
      (2, 2, 2, 2, 0), (6, 6, 2, 2, 0), (34, 35, 2, 2, 0), (4, 131, 2, 2, 0), (17, 17, 3, 2, 1),
      (9, 63, 3, 1, 1),
      (5, 65, 2, 3, 0),
    ]
    for (h, w, kernel, stride, padding) in cases {
      let nc = 2
      let oh = (h + 2 * padding - kernel) / stride + 1, ow = (w + 2 * padding - kernel) / stride + 1
      var random = TestRandom(seed: UInt64(h * 100 + w))
      var x = random.values(nc * h * w)
      x[0] = -.infinity
      var expectedMax = [Float](repeating: 0, count: nc * oh * ow)
      for p in 0..<nc {
        for oy in 0..<oh {
          for ox in 0..<ow {
            var best = -Float.infinity
            for ky in 0..<kernel {
              for kx in 0..<kernel {
                let (iy, ix) = (oy * stride - padding + ky, ox * stride - padding + kx)
                guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                best = max(best, x[(p * h + iy) * w + ix])
              }
            }
            expectedMax[(p * oh + oy) * ow + ox] = best
          }
        }
      }
      let (kk, ss, pp) = (Int64(kernel), Int64(stride), Int64(padding))
      for path in Self.paths {
        var y = [Float](repeating: .nan, count: nc * oh * ow)
        tt_max_pool2d_isa(
          path, x, &y, Int64(nc), Int64(h), Int64(w), kk, kk, ss, ss, pp, pp, Int64(oh), Int64(ow))
        XCTAssertEqual(
          y, expectedMax, "max pool path \(path.rawValue) \(h)×\(w) k \(kernel) s \(stride) p \(padding)")
        let finite = x.map { $0 == -.infinity ? 0 : $0 }
        for includePad in [0, 1] {
          tt_avg_pool2d_isa(
            path, finite, &y, Int64(nc), Int64(h), Int64(w), kk, kk, ss, ss, pp, pp, Int64(oh), Int64(ow),
            Int32(includePad))
          assertClose(
            y, Self.averages(finite, nc, h, w, kernel, stride, padding, includePad),
            "average pool path \(path.rawValue) \(h)×\(w) include pad \(includePad)")
        }
      }
    }
  }

  /// The average of each window of `x` (count_include_pad: divided by the full window).
  static func averages(
    _ x: [Float], _ nc: Int, _ h: Int, _ w: Int, _ kernel: Int, _ stride: Int, _ padding: Int,
    _ includePad: Int
  ) -> [Float] {
    let oh = (h + 2 * padding - kernel) / stride + 1, ow = (w + 2 * padding - kernel) / stride + 1
    var out = [Float](repeating: 0, count: nc * oh * ow)
    for p in 0..<nc {
      for oy in 0..<oh {
        for ox in 0..<ow {
          var (sum, count) = (0.0, 0)
          for ky in 0..<kernel {
            for kx in 0..<kernel {
              let (iy, ix) = (oy * stride - padding + ky, ox * stride - padding + kx)
              guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
              sum += Double(x[(p * h + iy) * w + ix])
              count += 1
            }
          }
          out[(p * oh + oy) * ow + ox] = Float(sum / Double(includePad == 1 ? kernel * kernel : count))
        }
      }
    }
    return out
  }

  private func assertCloseOrBothNaN(
    _ actual: [Float], _ expected: [Float], _ message: String, file: StaticString = #filePath,
    line: UInt = #line
  ) {
    for i in actual.indices where !(actual[i].isNaN && expected[i].isNaN) && actual[i] != expected[i] {
      if !(abs(actual[i] - expected[i]) <= 1e-5 + 1e-5 * abs(expected[i])) {
        XCTFail("element \(i): \(actual[i]) != \(expected[i]) \(message)", file: file, line: line)
        return
      }
    }
  }
}
