import TTIR

/// Building blocks shared by converters. Each folds when its operands are constants and emits
/// an IR node otherwise, so one converter serves both shape arithmetic and real computation.
extension NodeContext {
  /// `value` with a new shape of the same element count.
  func reshape(_ value: ImportedValue, _ shape: [Int]) throws(ONNXError) -> ImportedValue {
    if session.type(of: value).shape == shape { return value }
    if let data = value.constant { return .constant(ConstantFolding.reshaped(data, shape)) }
    return try emit(.reshape, values: [value], ["shape": .ints(shape)])
  }

  /// `value` permuted by `perm`.
  func transpose(_ value: ImportedValue, _ perm: [Int]) throws(ONNXError) -> ImportedValue {
    if perm == Array(perm.indices) { return value }
    if let data = value.constant { return .constant(ConstantFolding.transposed(data, perm)) }
    return try emit(.transpose, values: [value], ["perm": .ints(perm)])
  }

  /// `values` joined along `axis`.
  func concat(_ values: [ImportedValue], axis: Int) throws(ONNXError) -> ImportedValue {
    guard let first = values.first.map(session.type(of:)) else { throw fail("nothing to concatenate") }
    for type in values.dropFirst().map(session.type(of:))
    where type.dtype != first.dtype || type.rank != first.rank
      || type.shape.indices.contains(where: { $0 != axis && type.shape[$0] != first.shape[$0] })
    {
      throw fail("cannot concatenate \(first) and \(type) along axis \(axis)")
    }
    let nonEmpty = values.filter { session.type(of: $0).shape[axis] > 0 }
    let parts = nonEmpty.isEmpty ? [values[0]] : nonEmpty
    if parts.count == 1 { return parts[0] }
    let constants = parts.compactMap(\.constant)
    if constants.count == parts.count {
      return .constant(ConstantFolding.concatenated(constants, axis: axis))
    }
    return try emit(.concat, values: parts, ["axis": .int(axis)])
  }

  /// Python-style slice with one entry per axis.
  func slice(_ value: ImportedValue, starts: [Int], ends: [Int], steps: [Int]) throws(ONNXError)
    -> ImportedValue
  {
    let shape = session.type(of: value).shape
    let whole = shape.indices.allSatisfy { axis in
      let range = ShapeInference.sliceRange(
        start: starts[axis], end: ends[axis], step: steps[axis], length: shape[axis])
      return steps[axis] == 1 && range.start == 0 && range.count == shape[axis]
    }
    if whole { return value }
    if let data = value.constant {
      return .constant(ConstantFolding.sliced(data, starts: starts, ends: ends, steps: steps))
    }
    return try emit(
      .slice, values: [value], ["starts": .ints(starts), "ends": .ints(ends), "steps": .ints(steps)])
  }

  /// `op(a, b)` with broadcasting.
  func binary(_ op: Op, _ a: ImportedValue, _ b: ImportedValue) throws(ONNXError) -> ImportedValue {
    if let x = a.constant, let y = b.constant, let folded = ConstantFolding.binary(op, x, y) {
      return .constant(folded)
    }
    return try emit(op, values: [a, b])
  }

  /// `op(x)` for a unary op with no attributes.
  func unary(_ op: Op, _ x: ImportedValue, _ attributes: [String: AttributeValue] = [:])
    throws(ONNXError) -> ImportedValue
  {
    try emit(op, values: [x], attributes)
  }

  /// `value` converted to `dtype`.
  func cast(_ value: ImportedValue, to dtype: DType) throws(ONNXError) -> ImportedValue {
    if session.type(of: value).dtype == dtype { return value }
    if let data = value.constant { return .constant(ConstantFolding.cast(data, to: dtype)) }
    return try emit(.cast, values: [value], ["to": .string(dtype.rawValue)])
  }

  /// `value` padded with `pads` (ONNX order: all begins, then all ends) filled with `fill`,
  /// built from constant blocks joined by `concat`.
  func pad(_ value: ImportedValue, _ pads: [Int], fill: Double) throws(ONNXError) -> ImportedValue {
    var result = value
    let rank = pads.count / 2
    guard pads.allSatisfy({ $0 >= 0 }) else { throw fail("negative pads \(pads) are not supported") }
    for axis in 0..<rank where pads[axis] > 0 || pads[axis + rank] > 0 {
      let type = session.type(of: result)
      func block(_ size: Int) throws(ONNXError) -> ImportedValue {
        var shape = type.shape
        shape[axis] = size
        try checkCreatedConstant(shape, "the padding")
        return .constant(ConstantFolding.filled(fill, dtype: type.dtype, shape: shape))
      }
      result = try concat([block(pads[axis]), result, block(pads[axis + rank])], axis: axis)
    }
    return result
  }

  /// Refuses a constant of `shape` made at import from smaller values when it has more than
  /// ``ConstantFolding/createdElementLimit`` elements (or an invalid shape).
  func checkCreatedConstant(_ shape: [Int], _ what: String) throws(ONNXError) {
    guard let count = TensorType(.i8, shape).checkedElementCount, count <= ConstantFolding.createdElementLimit
    else {
      throw fail(
        "\(what) of shape \(shape) is larger than the \(ConstantFolding.createdElementLimit) elements "
          + "a constant made at import may have")
    }
  }

  /// The rank of input `index`.
  func rank(_ index: Int) throws(ONNXError) -> Int { try type(index).rank }
}
