import Foundation

/// The thin singular value decomposition `A = U · diag(σ) · Vᵀ` of a row-major `rows × columns`
/// matrix, computed in double precision by one-sided Jacobi rotations (Hestenes): pairs of
/// columns are rotated until every pair is orthogonal, then the column norms are the singular
/// values. Accurate to about machine precision relative to ‖A‖ also for tiny singular values,
/// unlike the eigenvalues of `AᵀA`, whose squares lose half the digits.
///
/// Cost: `O(sweeps · rows · k²)` with `k = min(rows, columns)` (the wide case works on `Aᵀ`);
/// about 6–10 sweeps for the layer sizes here.
public struct SingularValueDecomposition: Sendable {
  /// Rows of the decomposed matrix.
  public let rows: Int
  /// Columns of the decomposed matrix.
  public let columns: Int
  /// Singular values, largest first, `min(rows, columns)` of them.
  public let values: [Double]
  /// Left singular vectors, row-major `rows × k` (column `j` belongs to `values[j]`).
  public let left: [Double]
  /// Right singular vectors, row-major `columns × k` (column `j` belongs to `values[j]`).
  public let right: [Double]

  /// Decomposes the row-major `rows × columns` matrix `matrix`.
  ///
  /// - Precondition: `matrix.count == rows · columns`, both positive.
  public init(_ matrix: [Float], rows: Int, columns: Int) {
    precondition(rows > 0 && columns > 0 && matrix.count == rows * columns, "SVD: bad matrix size")
    self.rows = rows
    self.columns = columns
    if rows >= columns {
      (values, left, right) = Self.jacobi(matrix.map(Double.init), rows: rows, columns: columns)
    } else {
      // A = U Σ Vᵀ  ⇔  Aᵀ = V Σ Uᵀ: decompose the tall transpose and swap the factors.
      var transposed = [Double](repeating: 0, count: matrix.count)
      for r in 0..<rows {
        for c in 0..<columns { transposed[c * rows + r] = Double(matrix[r * columns + c]) }
      }
      (values, right, left) = Self.jacobi(transposed, rows: columns, columns: rows)
    }
  }

  /// One-sided Jacobi on a tall matrix (`rows ≥ columns`), row-major. Returns σ (descending),
  /// U (`rows × columns`) and V (`columns × columns`), both row-major.
  private static func jacobi(_ matrix: [Double], rows m: Int, columns n: Int) -> (
    [Double], [Double], [Double]
  ) {
    // Work on columns stored contiguously: a[j] is column j of A, v[j] column j of V.
    var a = (0..<n).map { j in (0..<m).map { matrix[$0 * n + j] } }
    var v = (0..<n).map { j in (0..<n).map { $0 == j ? 1.0 : 0.0 } }
    let tolerance = 1e-15
    for _ in 0..<60 {
      var rotated = false
      for p in 0..<n {
        for q in (p + 1)..<max(p + 1, n) {
          var (alpha, beta, gamma) = (0.0, 0.0, 0.0)
          for i in 0..<m {
            alpha += a[p][i] * a[p][i]
            beta += a[q][i] * a[q][i]
            gamma += a[p][i] * a[q][i]
          }
          guard abs(gamma) > tolerance * (alpha * beta).squareRoot(), gamma != 0 else { continue }
          rotated = true
          // The rotation that zeroes the (p, q) entry of AᵀA (Golub & Van Loan, sym.schur2).
          let zeta = (beta - alpha) / (2 * gamma)
          let t = (zeta >= 0 ? 1.0 : -1.0) / (abs(zeta) + (1 + zeta * zeta).squareRoot())
          let c = 1 / (1 + t * t).squareRoot()
          let s = c * t
          for i in 0..<m {
            let (x, y) = (a[p][i], a[q][i])
            a[p][i] = c * x - s * y
            a[q][i] = s * x + c * y
          }
          for i in 0..<n {
            let (x, y) = (v[p][i], v[q][i])
            v[p][i] = c * x - s * y
            v[q][i] = s * x + c * y
          }
        }
      }
      if !rotated { break }
    }
    let norms = a.map { column in column.reduce(0) { $0 + $1 * $1 }.squareRoot() }
    let order = norms.indices.sorted { (norms[$0], -$0) > (norms[$1], -$1) }
    var sigma = [Double](repeating: 0, count: n)
    var u = [Double](repeating: 0, count: m * n)
    var vOut = [Double](repeating: 0, count: n * n)
    for (k, j) in order.enumerated() {
      sigma[k] = norms[j]
      for i in 0..<m { u[i * n + k] = norms[j] > 0 ? a[j][i] / norms[j] : 0 }
      for i in 0..<n { vOut[i * n + k] = v[j][i] }
    }
    return (sigma, u, vOut)
  }

  /// The smallest rank whose singular values keep at least `energy` of the squared Frobenius norm
  /// (`Σ_{i<r} σᵢ² ≥ energy · Σ σᵢ²`), at least 1. The dropped part then has
  /// `‖A − A_r‖_F² ≤ (1 − energy) · ‖A‖_F²`.
  public func rank(keeping energy: Double) -> Int {
    let squares = values.map { $0 * $0 }
    let total = squares.reduce(0, +)
    var kept = 0.0
    for (index, square) in squares.enumerated() {
      kept += square
      if kept >= energy * total { return index + 1 }
    }
    return values.count
  }
}

/// A weight matrix `W [in, out]` written as the product of two thinner ones, `W ≈ A · B` with
/// `A [in, rank]` and `B [rank, out]`, from its truncated SVD: `A = U_r · diag(√σ)`,
/// `B = diag(√σ) · V_rᵀ` (the singular values split evenly, so both factors have like scales).
/// The graph pass `low-rank` and eager `Linear.lowRankFactorized(energy:)` both use it.
public struct LowRankFactors: Sendable {
  /// Rows of `W` (input features).
  public let inFeatures: Int
  /// Columns of `W` (output features).
  public let outFeatures: Int
  /// The kept rank.
  public let rank: Int
  /// `A`, row-major `[inFeatures, rank]`.
  public let first: [Float]
  /// `B`, row-major `[rank, outFeatures]`.
  public let second: [Float]
  /// The fraction of `‖W‖_F²` the kept singular values hold.
  public let keptEnergy: Double

  /// Factors of `weight` (row-major `[inFeatures, outFeatures]`) at the rank that keeps `energy`
  /// of its squared Frobenius norm (see ``SingularValueDecomposition/rank(keeping:)``), or at
  /// `rank` when given.
  public init(weight: [Float], inFeatures: Int, outFeatures: Int, energy: Double, rank: Int? = nil) {
    let svd = SingularValueDecomposition(weight, rows: inFeatures, columns: outFeatures)
    let k = svd.values.count
    let r = min(k, max(1, rank ?? svd.rank(keeping: energy)))
    var first = [Float](repeating: 0, count: inFeatures * r)
    var second = [Float](repeating: 0, count: r * outFeatures)
    for j in 0..<r {
      let scale = svd.values[j].squareRoot()
      for i in 0..<inFeatures { first[i * r + j] = Float(svd.left[i * k + j] * scale) }
      for o in 0..<outFeatures { second[j * outFeatures + o] = Float(svd.right[o * k + j] * scale) }
    }
    let squares = svd.values.map { $0 * $0 }
    let total = squares.reduce(0, +)
    self.inFeatures = inFeatures
    self.outFeatures = outFeatures
    self.rank = r
    self.first = first
    self.second = second
    keptEnergy = total > 0 ? squares.prefix(r).reduce(0, +) / total : 1
  }

  /// Whether storing the two factors takes fewer values than `W` itself:
  /// `rank · (in + out) < in · out`.
  public var savesBytes: Bool { rank * (inFeatures + outFeatures) < inFeatures * outFeatures }

  /// Why `energy` cannot choose a rank, or nil when it lies in `(0, 1]`.
  public static func problem(with energy: Double) -> String? {
    energy > 0 && energy <= 1 ? nil : "energy \(energy) is outside (0, 1]"
  }
}
