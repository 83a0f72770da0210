extension Rule {
  /// The largest `in` a `quantized_linear` (or taps `in/groups · kh · kw` a `quantized_conv2d`)
  /// accepts: int32 accumulators of up to `in` products of magnitude 128·127, less the zero-point
  /// correction, stay exact below 2³¹.
  static let maxQuantizedInFeatures = 65_536

  /// `quantized_linear`: `x[..., in] · weight[out, in]ᵀ → [..., out]`; `quantized_conv2d`: the
  /// NCHW convolution of `x[n, c, h, w]` by `weight[out, c/groups, kh, kw]` `→ [n, out, oh, ow]`.
  /// Both: `x` is `f32`, or `i8` with `x_scale`/`x_zero_point`; the weight is `i8`,
  /// `weight_scale[out]` and `bias[out]` are `f32`; the output is `i8` when `out_scale` is set,
  /// else `f32`. Scales must be positive and finite, zero points within `i8`.
  func inferQuantized() throws(GraphError) -> TensorType {
    let x = inputs[0]
    let shape: [Int]
    let inFeatures: Int
    switch node.op {
    case .quantizedConv2d:
      shape = try convolutionShape()
      inFeatures = inputs[1].shape.dropFirst().reduce(1, *)
    default:
      try requireRank(0, atLeast: 1)
      try requireRank(1, exactly: 2)
      guard x.shape[x.rank - 1] == inputs[1].shape[1] else {
        throw error(
          "input features \(x.shape[x.rank - 1]) do not match weight [out, in] = \(inputs[1].shape)")
      }
      inFeatures = inputs[1].shape[1]
      shape = x.shape.dropLast() + [inputs[1].shape[0]]
    }
    guard inputs[1].dtype == .i8 else { throw error("weight must be i8, got \(inputs[1].dtype)") }
    guard inFeatures <= Self.maxQuantizedInFeatures else {
      throw error("input features \(inFeatures) exceed \(Self.maxQuantizedInFeatures) (int32 accumulators)")
    }
    for index in inputs.indices.dropFirst(2) {
      guard inputs[index].dtype == .f32 else {
        throw error("\(inputName(index)) must be f32, got \(inputs[index].dtype)")
      }
      try requireShape(index, [inputs[1].shape[0]], "[out]")
    }
    switch x.dtype {
    case .i8:
      guard node.attributes["x_scale"] != nil, node.attributes["x_zero_point"] != nil else {
        throw error("an i8 x needs the attributes x_scale and x_zero_point")
      }
      try requireScale("x_scale")
      try requireZeroPoint("x_zero_point")
    case .f32:
      guard node.attributes["x_scale"] == nil, node.attributes["x_zero_point"] == nil else {
        throw error("an f32 x is quantized at run time: x_scale and x_zero_point must be absent")
      }
    case .f16, .i32, .i64:
      throw error("x must be f32 or i8, got \(x.dtype)")
    }
    try requireZeroPoint("out_zero_point")
    guard node.attributes["out_scale"] != nil else { return TensorType(.f32, shape) }
    try requireScale("out_scale")
    return TensorType(.i8, shape)
  }

  private func requireScale(_ name: String) throws(GraphError) {
    let scale = node.float(name) ?? 0
    guard scale > 0, scale.isFinite else { throw error("\(name) must be positive and finite, got \(scale)") }
  }

  private func requireZeroPoint(_ name: String) throws(GraphError) {
    let zeroPoint = node.int(name) ?? 0
    guard (-128...127).contains(zeroPoint) else {
      throw error("\(name) must be within -128...127 for i8, got \(zeroPoint)")
    }
  }
}
