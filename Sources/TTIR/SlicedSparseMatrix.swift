/// A pruned `linear` weight in the sliced layout of `sparse_linear` (`layout = "sliced"`,
/// docs/IR.md), made for few rows: output features in blocks of ``lanes`` (block `b` holds outputs
/// `16·b + lane`), input features in chunks of ``chunkWidth``. For block `b` and chunk `c`,
/// `steps[b·chunks + c]` steps follow one another (blocks in order, chunks in order within a
/// block); lane `l` of a step holds one nonzero weight of output `16·b + l` and its input's
/// position within the chunk, or 0 where that output has no more nonzeros there:
///
///     y[n = 16·b + l] = Σ over c and the steps s of (b, c) of values[s][l] · x[32·c + columns[s][l]]
///
/// with `x` read as zero past its last feature. A step is one 16-lane multiply-add whose `x`
/// operand the kernel picks from the chunk's 32 floats with register permutes (Runtime/tt_sparse.c).
///
/// A model file is untrusted: ``init(values:columns:steps:inFeatures:outFeatures:)`` validates
/// everything a kernel relies on (the `Verifier` calls it for every sliced `sparse_linear`).
public struct SlicedSparseMatrix: Hashable, Sendable {
  /// Outputs per block: the lanes of a step.
  public static let lanes = 16
  /// Inputs per chunk: the positions a step's column may name.
  public static let chunkWidth = 32

  /// `lanes` values per step, steps in order.
  public let values: [Float]
  /// The position within its chunk (`0..<32`) of each value's input.
  public let columns: [Int8]
  /// The steps of each (block, chunk) pair, blocks outer.
  public let steps: [Int32]
  /// The input features (the rows of the `linear` weight).
  public let inFeatures: Int
  /// The output features (its columns).
  public let outFeatures: Int

  /// The number of chunks of `inFeatures` inputs.
  public static func chunks(inFeatures: Int) -> Int { (inFeatures + chunkWidth - 1) / chunkWidth }
  /// The number of blocks of `outFeatures` outputs.
  public static func blocks(outFeatures: Int) -> Int { (outFeatures + lanes - 1) / lanes }

  /// Validates and wraps sliced arrays.
  ///
  /// - Throws: a one-line description of the first violation: a step count per (block, chunk)
  ///   pair other than `blocks · chunks`, a negative step count, values or columns other than 16
  ///   per step, or a column outside `0..<32`.
  public init(values: [Float], columns: [Int8], steps: [Int32], inFeatures: Int, outFeatures: Int)
    throws(CSRMatrixError)
  {
    guard inFeatures >= 0, outFeatures >= 0 else {
      throw CSRMatrixError("features \(inFeatures) in, \(outFeatures) out must not be negative")
    }
    let pairs = Self.blocks(outFeatures: outFeatures) * Self.chunks(inFeatures: inFeatures)
    guard steps.count == pairs else {
      throw CSRMatrixError(
        "\(steps.count) step counts for \(pairs) (block, chunk) pairs of \(outFeatures) outputs and \(inFeatures) inputs"
      )
    }
    var total = 0
    for (index, count) in steps.enumerated() {
      guard count >= 0 else { throw CSRMatrixError("step count \(count) at position \(index) is negative") }
      total += Int(count)
      guard total <= values.count / Self.lanes else {
        throw CSRMatrixError("the step counts need more than the \(values.count) values")
      }
    }
    guard values.count == total * Self.lanes, columns.count == values.count else {
      throw CSRMatrixError(
        "\(total) steps need \(total * Self.lanes) values and columns, got \(values.count) and \(columns.count)"
      )
    }
    if let position = columns.firstIndex(where: { $0 < 0 || Int($0) >= Self.chunkWidth }) {
      throw CSRMatrixError(
        "column \(columns[position]) at position \(position) is outside 0..<\(Self.chunkWidth) (a position within its chunk)"
      )
    }
    self.values = values
    self.columns = columns
    self.steps = steps
    self.inFeatures = inFeatures
    self.outFeatures = outFeatures
  }

  /// The sliced form of the row-major `linear` weight `dense` `[inFeatures, outFeatures]`, keeping
  /// its nonzero entries: each (block, chunk) pair takes as many steps as its busiest output has
  /// nonzeros in the chunk.
  public init(linearWeight dense: [Float], inFeatures: Int, outFeatures: Int) {
    precondition(
      dense.count == inFeatures * outFeatures,
      "\(dense.count) values do not fill [\(inFeatures), \(outFeatures)]")
    let (lanes, width) = (Self.lanes, Self.chunkWidth)
    var values: [Float] = []
    var columns: [Int8] = []
    var steps: [Int32] = []
    for block in 0..<Self.blocks(outFeatures: outFeatures) {
      let outputs = block * lanes..<min((block + 1) * lanes, outFeatures)
      for chunk in 0..<Self.chunks(inFeatures: inFeatures) {
        let inputs = chunk * width..<min((chunk + 1) * width, inFeatures)
        let nonzeros = outputs.map { n in inputs.filter { dense[$0 * outFeatures + n] != 0 } }
        let count = nonzeros.map(\.count).max() ?? 0
        var stepValues = [Float](repeating: 0, count: count * lanes)
        var stepColumns = [Int8](repeating: 0, count: count * lanes)
        for (lane, rows) in nonzeros.enumerated() {
          for (step, row) in rows.enumerated() {
            stepValues[step * lanes + lane] = dense[row * outFeatures + outputs.lowerBound + lane]
            stepColumns[step * lanes + lane] = Int8(row - inputs.lowerBound)
          }
        }
        values += stepValues
        columns += stepColumns
        steps.append(Int32(count))
      }
    }
    self.values = values
    self.columns = columns
    self.steps = steps
    self.inFeatures = inFeatures
    self.outFeatures = outFeatures
  }

  /// The `linear` weight `[inFeatures, outFeatures]` this stores, row-major (the inverse of
  /// ``init(linearWeight:inFeatures:outFeatures:)``; padding lanes add nothing).
  public func denseWeight() -> [Float] {
    var dense = [Float](repeating: 0, count: inFeatures * outFeatures)
    var step = 0
    for block in 0..<Self.blocks(outFeatures: outFeatures) {
      for chunk in 0..<Self.chunks(inFeatures: inFeatures) {
        for _ in 0..<Int(steps[block * Self.chunks(inFeatures: inFeatures) + chunk]) {
          for lane in 0..<Self.lanes {
            let (n, k) = (
              block * Self.lanes + lane, chunk * Self.chunkWidth + Int(columns[step * Self.lanes + lane])
            )
            if n < outFeatures, k < inFeatures {
              dense[k * outFeatures + n] += values[step * Self.lanes + lane]
            }
          }
          step += 1
        }
      }
    }
    return dense
  }
}
