import TTIR

/// Reductions (axes as an attribute or, from opset 13 for `ReduceSum` and 18 for the others,
/// as an input) and `ArgMax`/`ArgMin`.
extension Converters {
  static let reduction: [String: Converter] = [
    "ReduceSum": reduce(.reduceSum, axesInputSince: 13),
    "ReduceMean": reduce(.reduceMean),
    "ReduceMax": reduce(.reduceMax),
    "ReduceMin": reduce(.reduceMin),
    "ReduceSumSquare": reduce(.reduceSum, before: { (c, x) throws(ONNXError) in try c.binary(.mul, x, x) }),
    "ReduceL1": reduce(.reduceSum, before: { (c, x) throws(ONNXError) in try c.unary(.abs, x) }),
    "ReduceL2": reduce(.reduceSum, before: { (c, x) throws(ONNXError) in try c.binary(.mul, x, x) }) {
      (c, y) throws(ONNXError) in try c.unary(.sqrt, y)
    },
    "ReduceLogSum": reduce(.reduceSum, after: { (c, y) throws(ONNXError) in try c.unary(.log, y) }),
    "ReduceLogSumExp": reduce(.reduceSum, before: { (c, x) throws(ONNXError) in try c.unary(.exp, x) }) {
      (c, y) throws(ONNXError) in try c.unary(.log, y)
    },
    "ArgMax": argReduce(negated: false),
    "ArgMin": argReduce(negated: true),
  ]

  typealias Step = @Sendable (NodeContext, ImportedValue) throws(ONNXError) -> ImportedValue

  /// A reduction, with optional elementwise steps before and after it.
  static func reduce(
    _ op: Op, axesInputSince: Int = 18, before: Step? = nil, after: Step? = nil
  ) -> Converter {
    .single(["axes", "keepdims", "noop_with_empty_axes"]) { (c) throws(ONNXError) in
      let rank = try c.rank(0)
      let given = c.opset >= axesInputSince ? try c.constantInts(1, "axes") : c.ints("axes")
      var x = try c.value(0)
      if (given ?? []).isEmpty, c.int("noop_with_empty_axes", 0) != 0 { return x }
      let axes = try c.axes(given ?? [], rank: rank)
      let keepDims = c.int("keepdims", 1) != 0
      if op == .reduceMax || op == .reduceMin,
        let empty = try c.emptyExtreme(
          op == .reduceMax, axes: axes.isEmpty ? Array(0..<rank) : axes, keepDims)
      {
        return empty
      }
      if let before { x = try before(c, x) }
      let y = try c.emit(
        op, values: [x], ["axes": .ints(axes.sorted()), "keepdims": .bool(keepDims)])
      return try after.map { (step) throws(ONNXError) in try step(c, y) } ?? y
    }
  }

  /// `ArgMax`, or `ArgMin` as the argmax of `−x`; `select_last_index` reverses the axis first.
  static func argReduce(negated: Bool) -> Converter {
    .single(["axis", "keepdims", "select_last_index"]) { (c) throws(ONNXError) in
      let shape = try c.type(0).shape
      let axis = try c.axis(c.int("axis", 0), rank: shape.count)
      var x = try c.value(0)
      if negated { x = try c.unary(.neg, x) }
      let last = c.int("select_last_index", 0) != 0
      if last {
        var starts = Array(repeating: 0, count: shape.count)
        var ends = shape
        var steps = Array(repeating: 1, count: shape.count)
        (starts[axis], ends[axis], steps[axis]) = (-1, Int(Int32.min), -1)
        x = try c.slice(x, starts: starts, ends: ends, steps: steps)
      }
      let index = try c.emit(
        .argmax, values: [x], ["axis": .int(axis), "keepdims": .bool(c.int("keepdims", 1) != 0)])
      guard last else { return index }
      // (n − 1) − index, in f32 (exact for any axis length) since the engines compute in f32.
      let reversed = try c.binary(.sub, c.scalar(Double(shape[axis] - 1), .f32), c.cast(index, to: .f32))
      return try c.cast(reversed, to: .i64)
    }
  }
}

extension NodeContext {
  /// ONNX's `ReduceMax`/`ReduceMin` of input 0 over `axes` when one of them is empty: the lowest
  /// (for a maximum) or highest value of the ONNX element type everywhere (−∞/+∞ for floats,
  /// false/true for booleans), as a constant; `nil` when no reduced axis is empty. The IR's
  /// reductions have no value there (docs/IR.md), so this folds at import.
  fileprivate func emptyExtreme(_ maximum: Bool, axes: [Int], _ keepDims: Bool) throws(ONNXError)
    -> ImportedValue?
  {
    let input = try type(0)
    guard axes.contains(where: { input.shape[$0] == 0 }) else { return nil }
    let shape = input.shape.indices.compactMap { axes.contains($0) ? (keepDims ? 1 : nil) : input.shape[$0] }
    try checkCreatedConstant(shape, "the empty reduction's output")
    let bounds: [Int32: ClosedRange<Double>] = [
      ONNXDataType.bool: 0...1, ONNXDataType.uint8: 0...255, ONNXDataType.int16: -32768...32767,
      ONNXDataType.uint16: 0...65535,
    ]
    var value = maximum ? -Double.infinity : .infinity
    if let range = bounds[try elementType(0)] { value = min(max(value, range.lowerBound), range.upperBound) }
    return .constant(ConstantFolding.filled(value, dtype: input.dtype, shape: shape))
  }
}
