import TTIR

/// `Cast`, `CastLike` and int8 `QuantizeLinear`/`DequantizeLinear` (per tensor or per axis).
extension Converters {
  static let conversion: [String: Converter] = [
    "Cast": .single(["to", "saturate", "round_mode"]) { (c) throws(ONNXError) in
      let code = Int32(c.int("to", 0))
      if code == ONNXDataType.bool { return try c.castToBool(c.value(0)) }
      guard let dtype = ONNXDataType.dtype(code) else {
        throw c.fail("cast to \(ONNXDataType.name(code)) is not supported")
      }
      return try c.cast(c.value(0), to: dtype)
    },
    "CastLike": .single(["saturate", "round_mode"]) { (c) throws(ONNXError) in
      try c.cast(c.value(0), to: c.type(1).dtype)
    },
    "QuantizeLinear": .single(["axis", "saturate", "block_size", "output_dtype", "precision"]) {
      (c) throws(ONNXError) in
      guard c.int("block_size", 0) == 0 else { throw c.fail("blocked quantization is not supported") }
      guard c.has(2) || Int32(c.int("output_dtype", 0)) == ONNXDataType.int8 else {
        throw c.fail("UINT8 output (no zero point given) is not supported; only INT8")
      }
      return try c.perChannel(.quantizeLinear)
    },
    "DequantizeLinear": .single(["axis", "block_size", "output_dtype"]) { (c) throws(ONNXError) in
      guard c.int("block_size", 0) == 0 else { throw c.fail("blocked quantization is not supported") }
      return try c.perChannel(.dequantizeLinear)
    },
  ]
}

extension NodeContext {
  /// `x ≠ 0` as `f32` 0/1 (the IR's boolean).
  fileprivate func castToBool(_ x: ImportedValue) throws(ONNXError) -> ImportedValue {
    let zero = scalar(0, session.type(of: x).dtype)
    return try binary(.sub, scalar(1, .f32), binary(.equal, x, zero))
  }

  /// `quantize_linear` or `dequantize_linear` of input 0 with the constant scale (input 1) and
  /// int8 zero point (input 2, default 0): one node when they are scalars; per axis (one scale and
  /// zero point per index of `axis`), dequantization is `(cast(x) − zero_point) · scale` with
  /// both broadcast along the axis (the same f32 arithmetic as the op), and quantization one
  /// `quantize_linear` per channel slice, concatenated. Both fold when `x` is a constant.
  fileprivate func perChannel(_ op: Op) throws(ONNXError) -> ImportedValue {
    let x = try value(0)
    let scale = try constant(1, "scale")
    let scales = scale.floats()
    var zeroPoints = [Int](repeating: 0, count: scales.count)
    if has(2) {
      let zeroPoint = try constant(2, "zero_point")
      guard zeroPoint.dtype == .i8, zeroPoint.shape == scale.shape else {
        throw fail("the zero point must be INT8 of the scale's shape \(scale.shape) (UINT8 is not supported)")
      }
      zeroPoints = zeroPoint.int64s().map { Int($0) }
    }
    guard scale.shape.count <= 1, !scales.isEmpty else {
      throw fail(
        "the scale must be a scalar or 1-D (blocked quantization is not supported), not \(scale.shape)")
    }
    if scale.shape.isEmpty || scale.shape == [1] {
      return try emit(
        op, values: [x], ["scale": .float(Double(scales[0])), "zero_point": .int(zeroPoints[0])])
    }
    let shape = session.type(of: x).shape
    let axis = try self.axis(int("axis", 1), rank: shape.count)
    guard shape[axis] == scales.count else {
      throw fail("per-axis scale has \(scales.count) values for axis \(axis) of length \(shape[axis])")
    }
    if op == .dequantizeLinear {
      var broadcast = [Int](repeating: 1, count: shape.count)
      broadcast[axis] = scales.count
      let zero = ConstantFolding.reshaped(
        TensorData(zeroPoints.map(Float.init), shape: [scales.count]), broadcast)
      let shifted = try binary(.sub, cast(x, to: .f32), .constant(zero))
      return try binary(
        .mul, shifted,
        .constant(ConstantFolding.reshaped(TensorData(scales, shape: [scales.count]), broadcast)))
    }
    let channels = try (0..<scales.count).map { (index) throws(ONNXError) -> ImportedValue in
      var starts = [Int](repeating: 0, count: shape.count)
      var ends = shape
      starts[axis] = index
      ends[axis] = index + 1
      let part = try slice(x, starts: starts, ends: ends, steps: [Int](repeating: 1, count: shape.count))
      return try emit(
        op, values: [part], ["scale": .float(Double(scales[index])), "zero_point": .int(zeroPoints[index])])
    }
    return try concat(channels, axis: axis)
  }
}
