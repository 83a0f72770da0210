import TTIR

/// `Cast`, `CastLike`, `QuantizeLinear` (to INT8 or UINT8) and `DequantizeLinear` (of INT8, UINT8,
/// INT16, UINT16 or INT32), per tensor or per axis.
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
      return try c.quantize()
    },
    "DequantizeLinear": .single(["axis", "block_size", "output_dtype"]) { (c) throws(ONNXError) in
      guard c.int("block_size", 0) == 0 else { throw c.fail("blocked quantization is not supported") }
      return try c.dequantize()
    },
  ]
}

extension NodeContext {
  /// `x ≠ 0` as `f32` 0/1 (the IR's boolean).
  fileprivate func castToBool(_ x: ImportedValue) throws(ONNXError) -> ImportedValue {
    let zero = scalar(0, session.type(of: x).dtype)
    return try binary(.sub, scalar(1, .f32), binary(.equal, x, zero))
  }

  /// The constant scales (input 1) and integer zero points (input 2, default 0) of a
  /// quantization node reading `x`: one of each per tensor (`axis` nil) or one per index of
  /// `axis`.
  private func quantizationParameters(of x: ImportedValue) throws(ONNXError)
    -> (scales: [Float], zeroPoints: [Int64], axis: Int?)
  {
    let scale = try constant(1, "scale")
    let scales = scale.floats()
    guard scale.shape.count <= 1, !scales.isEmpty else {
      throw fail(
        "the scale must be a scalar or 1-D (blocked quantization is not supported), not \(scale.shape)")
    }
    var zeroPoints = [Int64](repeating: 0, count: scales.count)
    if has(2) {
      let zeroPoint = try constant(2, "zero_point")
      guard zeroPoint.shape == scale.shape else {
        throw fail("the zero point's shape \(zeroPoint.shape) differs from the scale's \(scale.shape)")
      }
      zeroPoints = zeroPoint.int64s()
    }
    if scale.shape.isEmpty || scale.shape == [1] { return (scales, zeroPoints, nil) }
    let shape = session.type(of: x).shape
    let axis = try self.axis(int("axis", 1), rank: shape.count)
    guard shape[axis] == scales.count else {
      throw fail("per-axis scale has \(scales.count) values for axis \(axis) of length \(shape[axis])")
    }
    return (scales, zeroPoints, axis)
  }

  /// `data` (one value per tensor, or one per index of `axis`) reshaped to broadcast along
  /// `axis` of a rank-`rank` tensor (a scalar when `axis` is nil).
  private func alongAxis(_ data: TensorData, axis: Int?, rank: Int) -> ImportedValue {
    var shape = [Int](repeating: 1, count: axis == nil ? 0 : rank)
    if let axis { shape[axis] = data.type.elementCount }
    return .constant(ConstantFolding.reshaped(data, shape))
  }

  /// `QuantizeLinear` to INT8 or UINT8: the output type is the zero point's (input 2), else
  /// `output_dtype`, else UINT8. Per tensor it is one `quantize_linear`, per axis one per
  /// channel slice, concatenated. UINT8 (held as `i32`) is the IR's int8 result plus 128, computed
  /// with the zero point minus 128: `clamp(q + zp − 128, −128, 127) + 128 = clamp(q + zp, 0, 255)`.
  fileprivate func quantize() throws(ONNXError) -> ImportedValue {
    let requested = Int32(int("output_dtype", 0))
    let code = has(2) ? try elementType(2) : requested == 0 ? ONNXDataType.uint8 : requested
    guard code == ONNXDataType.int8 || code == ONNXDataType.uint8 else {
      throw fail("quantization to \(ONNXDataType.name(code)) is not supported (INT8, UINT8)")
    }
    guard requested == 0 || requested == code else {
      throw fail("output_dtype \(ONNXDataType.name(requested)) differs from the zero point's type")
    }
    let x = try value(0)
    let (scales, zeroPoints, axis) = try quantizationParameters(of: x)
    let shift: Int64 = code == ONNXDataType.uint8 ? 128 : 0
    func quantized(_ part: ImportedValue, _ index: Int) throws(ONNXError) -> ImportedValue {
      try emit(
        .quantizeLinear, values: [part],
        ["scale": .float(Double(scales[index])), "zero_point": .int(Int(zeroPoints[index] - shift))])
    }
    var result: ImportedValue
    if let axis {
      let shape = session.type(of: x).shape
      let channels = try (0..<scales.count).map { (index) throws(ONNXError) -> ImportedValue in
        var (starts, ends) = ([Int](repeating: 0, count: shape.count), shape)
        (starts[axis], ends[axis]) = (index, index + 1)
        let steps = [Int](repeating: 1, count: shape.count)
        return try quantized(slice(x, starts: starts, ends: ends, steps: steps), index)
      }
      result = try concat(channels, axis: axis)
    } else {
      result = try quantized(x, 0)
    }
    if shift != 0 {
      result = try binary(.add, cast(result, to: .i32), scalar(Double(shift), .i32))
      if let output = node.output.first { session.widenedTypes[output] = code }
    }
    return result
  }

  /// `DequantizeLinear` of INT8, or of UINT8, INT16, UINT16 or INT32 (held as `i32`):
  /// `(x − zero_point) · scale` in `f32`. INT8 per tensor is one `dequantize_linear`; otherwise the difference is
  /// taken exactly (in `f32` for INT8, whose differences overflow `i8`; in `i32` otherwise), then
  /// converted and multiplied by the scale, broadcast along the axis: one rounding, as the op.
  /// Everything folds when `x` is a constant.
  fileprivate func dequantize() throws(ONNXError) -> ImportedValue {
    let x = try value(0)
    let dtype = session.type(of: x).dtype
    let name = ONNXDataType.name(try elementType(0))
    guard dtype == .i8 || dtype == .i32 else {
      throw fail("dequantization of \(name) is not supported (INT8, UINT8, INT16, UINT16, INT32)")
    }
    if has(2), try type(2).dtype != dtype {
      throw fail(
        "the zero point's type \(ONNXDataType.name(try elementType(2))) differs from the input's \(name)")
    }
    let (scales, zeroPoints, axis) = try quantizationParameters(of: x)
    if dtype == .i8, axis == nil {
      return try emit(
        .dequantizeLinear, values: [x],
        ["scale": .float(Double(scales[0])), "zero_point": .int(Int(zeroPoints[0]))])
    }
    let rank = session.type(of: x).rank
    let shifted: ImportedValue
    if dtype == .i8 {
      let offsets = TensorData(zeroPoints.map(Float.init), shape: [zeroPoints.count])
      shifted = try binary(.sub, cast(x, to: .f32), alongAxis(offsets, axis: axis, rank: rank))
    } else if zeroPoints.allSatisfy({ $0 == 0 }) {
      shifted = try cast(x, to: .f32)
    } else {
      let offsets = ConstantFolding.make(ints: zeroPoints, dtype: dtype, shape: [zeroPoints.count])
      shifted = try cast(binary(.sub, x, alongAxis(offsets, axis: axis, rank: rank)), to: .f32)
    }
    let scale = TensorData(scales, shape: [scales.count])
    return try binary(.mul, shifted, alongAxis(scale, axis: axis, rank: rank))
  }
}
