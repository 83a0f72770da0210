extension Rule {
  /// `batch_norm`, `softmax`, `log_softmax` and `layer_norm` keep shape and dtype.
  func inferNormalization() throws(GraphError) -> TensorType {
    try requireFloat(0)
    try requireSameDType(Array(inputs.indices))
    let x = inputs[0]
    switch node.op {
    case .batchNorm:
      try requireRank(0, atLeast: 2)
      for index in 1..<5 { try requireShape(index, [x.shape[1]], "one per channel") }
    case .softmax, .logSoftmax:
      try requireRank(0, atLeast: 1)
      _ = try axis(node.int("axis") ?? -1, rank: x.rank)
    default:  // layer_norm
      try requireRank(0, atLeast: 1)
      for index in inputs.indices.dropFirst() {
        try requireShape(index, [x.shape[x.rank - 1]], "last axis")
      }
    }
    if let eps = node.float("eps"), eps < 0 { throw error("eps must be ≥ 0, got \(eps)") }
    return x
  }
}
