extension Rule {
  /// Unary ops keep shape and dtype. Transcendental ops need floats; `neg`, `abs`, `relu`
  /// and `clamp` accept any arithmetic dtype.
  func inferUnary() throws(GraphError) -> TensorType {
    switch node.op {
    case .neg, .abs, .relu, .clamp:
      try requireArithmetic(0)
    default:
      try requireFloat(0)
    }
    if node.op == .clamp, let low = node.float("min"), let high = node.float("max"), low > high {
      throw error("min \(low) is greater than max \(high)")
    }
    return inputs[0]
  }

  /// Binary ops broadcast NumPy-style; both inputs share a dtype; comparisons produce `f32`.
  func inferBinary() throws(GraphError) -> TensorType {
    try requireArithmetic(0)
    try requireArithmetic(1)
    try requireSameDType([0, 1])
    guard let shape = ShapeInference.broadcast(inputs[0].shape, inputs[1].shape) else {
      throw error("shapes \(inputs[0].shape) and \(inputs[1].shape) do not broadcast")
    }
    return TensorType(node.op.isComparison ? .f32 : inputs[0].dtype, shape)
  }

  /// `where` broadcasts all three inputs; `a` and `b` share a dtype, which the output keeps.
  func inferSelect() throws(GraphError) -> TensorType {
    for index in 0..<3 { try requireArithmetic(index) }
    try requireSameDType([1, 2])
    guard let pair = ShapeInference.broadcast(inputs[1].shape, inputs[2].shape),
      let shape = ShapeInference.broadcast(inputs[0].shape, pair)
    else {
      throw error(
        "shapes \(inputs[0].shape), \(inputs[1].shape) and \(inputs[2].shape) do not broadcast")
    }
    return TensorType(inputs[1].dtype, shape)
  }
}
