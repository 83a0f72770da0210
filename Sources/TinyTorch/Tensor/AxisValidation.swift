import TTKernels

extension Tensor {
  /// `axis` as an index into `shape`; a negative axis counts from the end.
  ///
  /// - Parameter op: names the operation in the error, e.g. `"slice axis"`.
  /// - Throws: `TensorError.indexOutOfRange` when this tensor has no such axis (a scalar has none).
  func validatedAxis(_ axis: Int, op: String) throws -> Int {
    guard let a = ShapeMath.normalizeAxis(axis, rank: rank), rank > 0 else {
      throw TensorError.indexOutOfRange(op: op, index: axis, bound: rank)
    }
    return a
  }

  /// `axis` as a position where a new axis can be inserted, in `0...rank`; a negative axis counts
  /// from the end (`-1` appends).
  ///
  /// - Parameter op: names the operation in the error, e.g. `"unsqueeze"`.
  /// - Throws: `TensorError.indexOutOfRange` for a position outside `0...rank`.
  func validatedInsertionAxis(_ axis: Int, op: String) throws -> Int {
    let a = axis < 0 ? axis + rank + 1 : axis
    guard a >= 0 && a <= rank else {
      throw TensorError.indexOutOfRange(op: op, index: axis, bound: rank + 1)
    }
    return a
  }
}
