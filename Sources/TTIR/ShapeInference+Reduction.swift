extension Rule {
  /// Reductions over `axes` (all axes when absent or empty), optionally keeping reduced axes
  /// as size 1; `argmax` reduces one `axis` and produces `i64`.
  func inferReduction() throws(GraphError) -> TensorType {
    let x = inputs[0]
    if node.op == .reduceMean { try requireFloat(0) } else { try requireArithmetic(0) }
    let keepDims = node.bool("keepdims") ?? false
    var reduced: Set<Int> = []
    if node.op == .argmax {
      try requireRank(0, atLeast: 1)
      reduced = [try axis(node.int("axis") ?? 0, rank: x.rank)]
    } else {
      let axes = node.ints("axes") ?? []
      for value in axes {
        let normalized = try axis(value, rank: x.rank, attribute: "axes entry")
        guard reduced.insert(normalized).inserted else {
          throw error("axes \(axes) repeat axis \(normalized)")
        }
      }
      if axes.isEmpty { reduced = Set(0..<x.rank) }
    }
    var shape: [Int] = []
    for (index, dim) in x.shape.enumerated() {
      if !reduced.contains(index) {
        shape.append(dim)
      } else if keepDims {
        shape.append(1)
      }
    }
    // A maximum, minimum or its index over no elements has no value (a sum is 0, a mean NaN).
    if [.reduceMax, .reduceMin, .argmax].contains(node.op), !shape.contains(0),
      let empty = reduced.sorted().first(where: { x.shape[$0] == 0 })
    {
      throw error("cannot reduce axis \(empty) of size 0 in \(x.shape)")
    }
    return TensorType(node.op == .argmax ? .i64 : x.dtype, shape)
  }

  /// `cast` changes the dtype; `quantize_linear` maps floats to `i8`, `dequantize_linear` back
  /// to `f32`. Scale must be positive and the zero point within `i8`.
  func inferConversion() throws(GraphError) -> TensorType {
    let x = inputs[0]
    switch node.op {
    case .cast:
      // The schema's allowed values guarantee a valid dtype name.
      return TensorType(DType(rawValue: node.string("to") ?? "") ?? x.dtype, x.shape)
    case .quantizeLinear, .dequantizeLinear:
      let scale = node.float("scale") ?? 0
      let zeroPoint = node.int("zero_point") ?? 0
      guard scale > 0 else { throw error("scale must be > 0, got \(scale)") }
      guard (-128...127).contains(zeroPoint) else {
        throw error("zero_point must be within -128...127 for i8, got \(zeroPoint)")
      }
      if node.op == .quantizeLinear {
        try requireFloat(0)
        return TensorType(.i8, x.shape)
      }
      guard x.dtype == .i8 else { throw error("x must be i8, got \(x.dtype)") }
      return TensorType(.f32, x.shape)
    default:
      preconditionFailure("not a conversion: \(node.op)")
    }
  }
}
