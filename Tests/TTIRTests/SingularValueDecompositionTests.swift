import TTIR
import XCTest

/// The one-sided Jacobi SVD and the low-rank factors built on it.
final class SingularValueDecompositionTests: XCTestCase {
  /// `A · B` for row-major `A [m, k]`, `B [k, n]`, in double precision.
  func product(_ a: [Float], _ b: [Float], m: Int, k: Int, n: Int) -> [Double] {
    var out = [Double](repeating: 0, count: m * n)
    for i in 0..<m {
      for p in 0..<k { for j in 0..<n { out[i * n + j] += Double(a[i * k + p]) * Double(b[p * n + j]) } }
    }
    return out
  }

  func squaredNorm(_ values: [Double]) -> Double { values.reduce(0) { $0 + $1 * $1 } }

  func testFullRankReconstructsTallAndWideMatricesExactly() {
    for (rows, columns) in [(9, 5), (5, 9), (7, 7), (1, 4), (6, 1)] {
      let w = randomFloats(rows * columns, seed: UInt64(rows * 10 + columns))
      let svd = SingularValueDecomposition(w, rows: rows, columns: columns)
      let k = min(rows, columns)
      XCTAssertEqual(svd.values.count, k)
      XCTAssertEqual(svd.values, svd.values.sorted(by: >), "descending")
      // U·diag(σ)·Vᵀ gives W back, and U, V have orthonormal columns.
      for i in 0..<rows {
        for j in 0..<columns {
          let value = (0..<k).reduce(0.0) {
            $0 + svd.left[i * k + $1] * svd.values[$1] * svd.right[j * k + $1]
          }
          XCTAssertEqual(
            value, Double(w[i * columns + j]), accuracy: 1e-12, "\(rows)×\(columns) [\(i), \(j)]")
        }
      }
      for (vectors, length) in [(svd.left, rows), (svd.right, columns)] {
        for a in 0..<k {
          for b in 0..<k {
            let dot = (0..<length).reduce(0.0) { $0 + vectors[$1 * k + a] * vectors[$1 * k + b] }
            XCTAssertEqual(dot, a == b ? 1 : 0, accuracy: 1e-12)
          }
        }
      }
      // Full energy keeps every singular value; the factors multiply back to W in f32.
      let factors = LowRankFactors(weight: w, inFeatures: rows, outFeatures: columns, energy: 1)
      XCTAssertEqual(factors.rank, k)
      let back = product(factors.first, factors.second, m: rows, k: k, n: columns)
      for (a, b) in zip(back, w) { XCTAssertEqual(a, Double(b), accuracy: 1e-6) }
    }
  }

  func testKnownSingularValuesOfALowRankMatrix() {
    // W = 3·e1·f1ᵀ + 1·e2·f2ᵀ with orthonormal e, f: σ = (3, 1, 0).
    let e1: [Float] = [0.6, 0.8, 0, 0]
    let e2: [Float] = [0, 0, 1, 0]
    let f1: [Float] = [1, 0, 0]
    let f2: [Float] = [0, 0.6, 0.8]
    var w = [Float](repeating: 0, count: 12)
    for i in 0..<4 { for j in 0..<3 { w[i * 3 + j] = 3 * e1[i] * f1[j] + e2[i] * f2[j] } }
    let svd = SingularValueDecomposition(w, rows: 4, columns: 3)
    // 0.6 and 0.8 are not exact in f32: σ within f32 rounding of the inputs.
    XCTAssertEqual(svd.values[0], 3, accuracy: 1e-6)
    XCTAssertEqual(svd.values[1], 1, accuracy: 1e-6)
    XCTAssertEqual(svd.values[2], 0, accuracy: 1e-6)
    XCTAssertEqual(svd.rank(keeping: 0.9), 1)  // 9 of 10
    XCTAssertEqual(svd.rank(keeping: 0.95), 2)
    XCTAssertEqual(LowRankFactors(weight: w, inFeatures: 4, outFeatures: 3, energy: 1).rank, 2)
  }

  func testTruncationErrorStaysWithinTheEnergyBound() {
    let (rows, columns) = (24, 16)
    let w = randomFloats(rows * columns, seed: 3)
    let total = squaredNorm(w.map(Double.init))
    var previousRank = 0
    for energy in [0.3, 0.5, 0.7, 0.9, 0.99] {
      let factors = LowRankFactors(weight: w, inFeatures: rows, outFeatures: columns, energy: energy)
      XCTAssertGreaterThanOrEqual(factors.rank, previousRank, "more energy keeps at least as much rank")
      previousRank = factors.rank
      XCTAssertGreaterThanOrEqual(factors.keptEnergy, energy)
      let approximation = product(factors.first, factors.second, m: rows, k: factors.rank, n: columns)
      let error = squaredNorm(zip(approximation, w).map { $0 - Double($1) })
      // Eckart–Young: the error is exactly the dropped energy (up to f32 rounding of the factors).
      XCTAssertEqual(error / total, 1 - factors.keptEnergy, accuracy: 1e-6, "energy \(energy)")
      XCTAssertLessThanOrEqual(error / total, 1 - energy + 1e-6, "energy \(energy)")
    }
    XCTAssertEqual(LowRankFactors.problem(with: 0), "energy 0.0 is outside (0, 1]")
    XCTAssertNil(LowRankFactors.problem(with: 1))
  }

  func testSavesBytesOnlyBelowTheBreakEvenRank() {
    let w = randomFloats(64 * 10, seed: 5)
    // Break-even for 64 × 10: r · 74 < 640 ⇔ r ≤ 8.
    XCTAssertTrue(LowRankFactors(weight: w, inFeatures: 64, outFeatures: 10, energy: 1, rank: 8).savesBytes)
    XCTAssertFalse(LowRankFactors(weight: w, inFeatures: 64, outFeatures: 10, energy: 1, rank: 9).savesBytes)
  }
}
