extension Rule {
  /// `resize`: a float `x` resampled to `sizes` (one positive entry per axis), with one
  /// positive `scales` entry per axis.
  func inferResize() throws(GraphError) -> TensorType {
    try requireFloat(0)
    let x = inputs[0]
    let sizes = node.ints("sizes") ?? []
    let scales = node.floats("scales") ?? []
    guard sizes.count == x.rank, scales.count == x.rank else {
      throw error("sizes \(sizes) and scales \(scales) must have one entry per axis of \(x)")
    }
    guard sizes.allSatisfy({ $0 > 0 }), scales.allSatisfy({ $0 > 0 && $0.isFinite }) else {
      throw error("sizes \(sizes) and scales \(scales) must be positive")
    }
    guard x.shape.allSatisfy({ $0 > 0 }) else { throw error("cannot resize the empty \(x)") }
    let output = TensorType(x.dtype, sizes)
    try requireSize(output, "output")
    return output
  }
}
