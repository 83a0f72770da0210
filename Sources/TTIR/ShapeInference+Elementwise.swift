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

  /// `fused_elementwise`: `f32` inputs broadcast together; the program must be valid.
  func inferFusedElementwise() throws(GraphError) -> TensorType {
    _ = try node.program()
    var shape: [Int] = []
    for index in inputs.indices {
      guard inputs[index].dtype == .f32 else {
        throw error("input \(index) must be f32, got \(inputs[index].dtype)")
      }
      guard let next = ShapeInference.broadcast(shape, inputs[index].shape) else {
        throw error("input shapes \(inputs.map(\.shape)) do not broadcast")
      }
      shape = next
    }
    return TensorType(.f32, shape)
  }

  /// The type of a node whose op may carry an epilogue: the op's own rule on its own inputs,
  /// then the epilogue's checks (a valid program; extra inputs of the product's dtype that
  /// broadcast to the product's shape).
  func inferWithEpilogue(_ own: () throws(GraphError) -> TensorType) throws(GraphError) -> TensorType {
    let product = try own()
    let extra = node.epilogueInputCount
    guard try node.epilogue() != nil else {
      if extra > 0 { throw error("epilogue_inputs is \(extra) but there is no epilogue") }
      return product
    }
    guard product.dtype == .f32 else { throw error("an epilogue needs an f32 product, got \(product.dtype)") }
    for index in (inputs.count - extra)..<inputs.count {
      guard inputs[index].dtype == product.dtype else {
        throw error(
          "epilogue input '\(node.inputs[index])' must be \(product.dtype), got \(inputs[index].dtype)")
      }
      guard ShapeInference.broadcast(product.shape, inputs[index].shape) == product.shape else {
        throw error(
          "epilogue input '\(node.inputs[index])' shape \(inputs[index].shape) does not broadcast to \(product.shape)"
        )
      }
    }
    return product
  }
}
