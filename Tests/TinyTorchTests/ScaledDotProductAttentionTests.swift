import Foundation
import XCTest

@testable import TinyTorch

final class ScaledDotProductAttentionTests: XCTestCase {
  /// Reference attention for one [S, D] head in Double.
  func reference(_ q: [Float], _ k: [Float], _ v: [Float], sq: Int, sk: Int, d: Int, keep: (Int, Int) -> Bool)
    -> [Float]
  {
    var out = [Float](repeating: 0, count: sq * d)
    for i in 0..<sq {
      var scores = [Double](repeating: -.infinity, count: sk)
      for j in 0..<sk where keep(i, j) {
        var s = 0.0
        for c in 0..<d { s += Double(q[i * d + c]) * Double(k[j * d + c]) }
        scores[j] = s / Double(d).squareRoot()
      }
      let m = scores.max()!
      guard m > -.infinity else { continue }
      let e = scores.map { exp($0 - m) }
      let total = e.reduce(0, +)
      for c in 0..<d {
        out[i * d + c] = Float((0..<sk).reduce(0.0) { $0 + e[$1] / total * Double(v[$1 * d + c]) })
      }
    }
    return out
  }

  func testMatchesReferenceWithCausalMask() throws {
    let q = Tensor.randn([4, 3], seed: 1)
    let k = Tensor.randn([4, 3], seed: 2)
    let v = Tensor.randn([4, 3], seed: 3)
    let out = try scaledDotProductAttention(query: q, key: k, value: v, isCausal: true)
    let expected = reference(q.scalars, k.scalars, v.scalars, sq: 4, sk: 4, d: 3) { i, j in j <= i }
    for (a, b) in zip(out.scalars, expected) { XCTAssertEqual(a, b, accuracy: 1e-5) }
    // The explicit mask gives the same result.
    let viaMask = try scaledDotProductAttention(
      query: q, key: k, value: v, mask: AttentionMask.causal(queryLength: 4))
    XCTAssertEqual(viaMask.scalars, out.scalars)
  }

  func testBlockedPositionsGetExactlyZeroWeight() throws {
    let q = Tensor.randn([2, 1, 3, 4], seed: 1)
    let k = Tensor.randn([2, 1, 5, 4], seed: 2)
    let padding = try AttentionMask.padding(validLengths: [5, 2], length: 5)
    let w = try attentionWeights(query: q, key: k, mask: padding, isCausal: true)
    XCTAssertEqual(w.shape, [2, 1, 3, 5])
    for b in 0..<2 {
      for i in 0..<3 {
        let row = Array(w.scalars[(b * 3 + i) * 5..<(b * 3 + i + 1) * 5])
        for j in 0..<5 {
          // Causal with 3 queries over 5 keys: query i sees keys j ≤ i + 2.
          let allowed = j <= i + 2 && j < [5, 2][b]
          if !allowed {
            XCTAssertEqual(row[j], 0, "b \(b) i \(i) j \(j)")
          } else {
            XCTAssertGreaterThan(row[j], 0)
          }
        }
        XCTAssertEqual(row.reduce(0, +), 1, accuracy: 1e-5)
      }
    }
  }

  func testFullyMaskedRowGivesZerosAndNoNaNGradient() throws {
    let q = Tensor.randn([1, 3, 2], seed: 1, requiresGrad: true)
    let k = Tensor.randn([1, 3, 2], seed: 2, requiresGrad: true)
    let v = Tensor.randn([1, 3, 2], seed: 3, requiresGrad: true)
    let mask = try Tensor(shape: [1, 3, 3], scalars: [1, 0, 0, 0, 0, 0, 1, 1, 0])  // row 1 fully masked
    let out = try scaledDotProductAttention(query: q, key: k, value: v, mask: mask)
    XCTAssertEqual(Array(out.scalars[2..<4]), [0, 0])
    XCTAssertFalse(out.scalars.contains { $0.isNaN })
    try out.backward(seed: Tensor.randn(out.shape, seed: 9))
    for t in [q, k, v] { XCTAssertFalse(t.grad!.scalars.contains { !$0.isFinite }) }
    XCTAssertEqual(Array(q.grad!.scalars[2..<4]), [0, 0])
  }

  func testFiniteDifferencesWithMasks() throws {
    let q = Tensor.randn([2, 2, 3, 4], seed: 1, requiresGrad: true)
    let k = Tensor.randn([2, 2, 4, 4], seed: 2, requiresGrad: true)
    let v = Tensor.randn([2, 2, 4, 3], seed: 3, requiresGrad: true)
    let padding = try AttentionMask.padding(validLengths: [4, 3], length: 4)
    assertGradientsMatch([q, k, v]) { _ in
      try scaledDotProductAttention(query: q, key: k, value: v, mask: padding, isCausal: true)
    }
  }

  func testMaskOfWrongShapeThrows() {
    let q = Tensor.randn([2, 3, 4], seed: 1)
    XCTAssertThrowsError(try attentionWeights(query: q, key: q, mask: Tensor.ones([3, 4]))) { error in
      XCTAssertTrue("\(error)".contains("does not broadcast"), "\(error)")
    }
    XCTAssertThrowsError(try attentionWeights(query: q, key: q, mask: Tensor.ones([5, 2, 3, 3])))
    XCTAssertThrowsError(try attentionWeights(query: q, key: q, mask: Tensor.full([3, 3], 0.5)))
    XCTAssertThrowsError(try attentionWeights(query: q, key: Tensor.randn([2, 3, 5], seed: 2)))
    XCTAssertThrowsError(
      try scaledDotProductAttention(query: q, key: q, value: Tensor.randn([2, 4, 4], seed: 3)))
    XCTAssertThrowsError(try AttentionMask.padding(validLengths: [5], length: 4))
  }
}
