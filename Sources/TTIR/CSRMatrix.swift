/// A sparse matrix in compressed sparse row (CSR) form: the storage of a pruned weight in a
/// `sparse_linear` node.
///
/// Row `r`'s nonzeros are `values[rowPointers[r] ..< rowPointers[r + 1]]` at columns
/// `columns[...]` (same range), in increasing column order. A `sparse_linear` weight is the CSR
/// of the transposed `linear` weight: row `n` is output feature `n`, its columns are input
/// features.
///
/// A model file is untrusted: ``init(rowPointers:columns:values:columnCount:)`` validates
/// everything a kernel relies on (the `Verifier` calls it for every `sparse_linear` node).
public struct CSRMatrix: Hashable, Sendable {
  /// `rowCount + 1` offsets into ``columns`` and ``values``; starts at 0, never decreases, ends
  /// at the number of stored values.
  public let rowPointers: [Int32]
  /// The column of each stored value, increasing within a row.
  public let columns: [Int32]
  /// The stored values.
  public let values: [Float]
  /// The number of columns.
  public let columnCount: Int

  /// The number of rows.
  public var rowCount: Int { rowPointers.count - 1 }

  /// Validates and wraps CSR arrays.
  ///
  /// - Throws: a one-line description of the first violation: empty `rowPointers`, a first
  ///   pointer other than 0, a decreasing pointer, a last pointer other than the value count,
  ///   columns and values of different lengths, a column outside `0..<columnCount`, or columns
  ///   not increasing within a row.
  public init(rowPointers: [Int32], columns: [Int32], values: [Float], columnCount: Int)
    throws(CSRMatrixError)
  {
    guard let first = rowPointers.first, let last = rowPointers.last else {
      throw CSRMatrixError("row_pointers is empty (it needs one entry per row plus one)")
    }
    guard columns.count == values.count else {
      throw CSRMatrixError("\(columns.count) columns for \(values.count) values")
    }
    guard first == 0 else { throw CSRMatrixError("row_pointers[0] is \(first), not 0") }
    guard Int(last) == values.count else {
      throw CSRMatrixError(
        "row_pointers ends at \(last) but there are \(values.count) values")
    }
    for row in 0..<(rowPointers.count - 1) {
      let (start, end) = (rowPointers[row], rowPointers[row + 1])
      guard start <= end else {
        throw CSRMatrixError("row_pointers decrease at row \(row): \(start) then \(end)")
      }
      var previous = -1
      for j in Int(start)..<Int(end) {
        let column = Int(columns[j])
        guard column >= 0, column < columnCount else {
          throw CSRMatrixError(
            "column index \(column) at position \(j) is outside 0..<\(columnCount)")
        }
        guard column > previous else {
          throw CSRMatrixError("columns of row \(row) are not increasing at position \(j)")
        }
        previous = column
      }
    }
    self.rowPointers = rowPointers
    self.columns = columns
    self.values = values
    self.columnCount = columnCount
  }

  /// The CSR of the transpose of the row-major `[rows, columns]` matrix `dense`, keeping its
  /// nonzero entries: `transposing` a `linear` weight `[in, out]` gives the `sparse_linear` form.
  public init(transposing dense: [Float], rows: Int, columns: Int) {
    precondition(dense.count == rows * columns, "\(dense.count) values do not fill [\(rows), \(columns)]")
    var pointers: [Int32] = [0]
    var indices: [Int32] = []
    var stored: [Float] = []
    for column in 0..<columns {
      for row in 0..<rows where dense[row * columns + column] != 0 {
        indices.append(Int32(row))
        stored.append(dense[row * columns + column])
      }
      pointers.append(Int32(stored.count))
    }
    rowPointers = pointers
    self.columns = indices
    values = stored
    columnCount = rows
  }

  /// The matrix this CSR transposes back to, row-major `[columnCount, rowCount]` (the inverse
  /// of ``init(transposing:rows:columns:)``).
  public func denseTransposed() -> [Float] {
    var dense = [Float](repeating: 0, count: columnCount * rowCount)
    for row in 0..<rowCount {
      for j in Int(rowPointers[row])..<Int(rowPointers[row + 1]) {
        dense[Int(columns[j]) * rowCount + row] = values[j]
      }
    }
    return dense
  }
}

/// Invalid CSR arrays; see ``CSRMatrix/init(rowPointers:columns:values:columnCount:)``.
public struct CSRMatrixError: Error, Hashable, Sendable, CustomStringConvertible {
  /// A one-line explanation.
  public let description: String

  init(_ description: String) { self.description = description }
}
