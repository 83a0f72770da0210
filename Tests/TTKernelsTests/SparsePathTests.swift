import TTRuntime
import XCTest

/// Every instruction-set path of `tt_sparse_linear_isa` against a Double reference over odd shapes
/// (1, 3, 17, 63, 65 rows: the one-row gather path below 4 rows, whole and partial 16-row tiles),
/// with empty rows, and with and without bias.
final class SparsePathTests: XCTestCase {
  func testEveryPathMatchesTheReference() {
    let paths = [TT_ISA_PORTABLE, TT_ISA_AVX2, TT_ISA_AVX512].filter { tt_isa_available($0) != 0 }
    for path in paths {
      for (m, k, n) in [(1, 1, 1), (3, 17, 5), (4, 63, 33), (17, 65, 3), (63, 40, 17), (65, 257, 20)] {
        var random = TestRandom(seed: UInt64(m * 10_000 + k * 100 + n))
        let x = random.values(m * k)
        let bias = random.values(n)
        // CSR of a weight whose entries are kept with probability ~1/4 (some rows stay empty).
        var (values, columns, rowPointers): ([Float], [Int32], [Int32]) = ([], [], [0])
        for _ in 0..<n {
          for column in 0..<k where random.next() > 0.5 {
            columns.append(Int32(column))
            values.append(random.next())
          }
          rowPointers.append(Int32(values.count))
        }
        for withBias in [true, false] {
          var expected = [Float](repeating: 0, count: m * n)
          for r in 0..<m {
            for o in 0..<n {
              var s = withBias ? Double(bias[o]) : 0
              for j in Int(rowPointers[o])..<Int(rowPointers[o + 1]) {
                s += Double(values[j]) * Double(x[r * k + Int(columns[j])])
              }
              expected[r * n + o] = Float(s)
            }
          }
          var y = [Float](repeating: .nan, count: m * n)
          var scratch = [Float](repeating: .nan, count: Int(tt_sparse_linear_scratch(Int64(k))))
          let columnsOrOne = columns + [0]
          tt_sparse_linear_isa(
            path, Int64(m), Int64(k), Int64(n), x, values + [0], columnsOrOne, rowPointers,
            withBias ? bias : nil, &y, &scratch)
          assertClose(y, expected, "path \(path.rawValue), \(m)×\(k)→\(n), bias \(withBias)")
        }
      }
    }
  }

  /// `tt_sparse_sliced_linear_isa` (the sliced layout of docs/IR.md) on every path against the
  /// formula in Double: random step counts per (block of 16 outputs, chunk of 32 inputs) including
  /// empty pairs, random positions (some past the last input, which read 0), outputs that do not
  /// fill the last block, several rows, with and without bias.
  func testSlicedLayoutOnEveryPathMatchesTheFormula() {
    let paths = [TT_ISA_PORTABLE, TT_ISA_AVX2, TT_ISA_AVX512].filter { tt_isa_available($0) != 0 }
    for path in paths {
      for (m, k, n) in [(1, 1, 1), (1, 17, 5), (3, 33, 17), (2, 64, 32), (1, 65, 63), (5, 257, 20)] {
        var random = TestRandom(seed: UInt64(m * 10_000 + k * 100 + n))
        let (blocks, chunks) = ((n + 15) / 16, (k + 31) / 32)
        let steps = (0..<blocks * chunks).map { _ in
          Int32(random.next() > 0 ? Int((random.next() + 1) * 2) : 0)
        }
        let total = Int(steps.reduce(0, +))
        let values = (0..<total * 16).map { _ in random.next() > -0.5 ? random.next() : 0 }
        let columns = (0..<total * 16).map { _ in Int8(Int((random.next() + 1) * 16) % 32) }
        let x = random.values(m * k)
        let bias = random.values(n)
        for withBias in [true, false] {
          var expected = [Float](repeating: 0, count: m * n)
          for r in 0..<m {
            var sums = [Double](repeating: 0, count: blocks * 16)
            var step = 0
            for b in 0..<blocks {
              for c in 0..<chunks {
                for _ in 0..<Int(steps[b * chunks + c]) {
                  for lane in 0..<16 {
                    let input = c * 32 + Int(columns[step * 16 + lane])
                    if input < k {
                      sums[b * 16 + lane] += Double(values[step * 16 + lane]) * Double(x[r * k + input])
                    }
                  }
                  step += 1
                }
              }
            }
            for o in 0..<n { expected[r * n + o] = Float(sums[o] + (withBias ? Double(bias[o]) : 0)) }
          }
          var y = [Float](repeating: .nan, count: m * n)
          var scratch = [Float](repeating: .nan, count: Int(tt_sparse_sliced_scratch(Int64(k))))
          tt_sparse_sliced_linear_isa(
            path, Int64(m), Int64(k), Int64(n), x, values + [0], columns + [0], steps, withBias ? bias : nil,
            &y,
            &scratch)
          assertClose(y, expected, "sliced path \(path.rawValue), \(m)×\(k)→\(n), bias \(withBias)")
        }
      }
    }
  }
}
