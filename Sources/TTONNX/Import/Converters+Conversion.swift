import TTIR

/// `Cast`, `CastLike` and per-tensor int8 `QuantizeLinear`/`DequantizeLinear`.
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
      let (scale, zeroPoint) = try c.quantization()
      return try c.emit(
        .quantizeLinear, values: [c.value(0)], ["scale": .float(scale), "zero_point": .int(zeroPoint)])
    },
    "DequantizeLinear": .single(["axis", "block_size", "output_dtype"]) { (c) throws(ONNXError) in
      guard c.int("block_size", 0) == 0 else { throw c.fail("blocked quantization is not supported") }
      let (scale, zeroPoint) = try c.quantization()
      return try c.emit(
        .dequantizeLinear, values: [c.value(0)], ["scale": .float(scale), "zero_point": .int(zeroPoint)])
    },
  ]
}

extension NodeContext {
  /// `x ≠ 0` as `f32` 0/1 (the IR's boolean).
  fileprivate func castToBool(_ x: ImportedValue) throws(ONNXError) -> ImportedValue {
    let zero = scalar(0, session.type(of: x).dtype)
    return try binary(.sub, scalar(1, .f32), binary(.equal, x, zero))
  }

  /// A constant scalar scale (input 1) and int8 zero point (input 2, default 0).
  fileprivate func quantization() throws(ONNXError) -> (scale: Double, zeroPoint: Int) {
    let scale = try constant(1, "scale")
    guard scale.shape.reduce(1, *) == 1 else {
      throw fail("per-axis quantization is not supported (scale \(scale.shape))")
    }
    guard has(2) else { return (Double(scale.floats()[0]), 0) }
    let zeroPoint = try constant(2, "zero_point")
    guard zeroPoint.shape.reduce(1, *) == 1, zeroPoint.dtype == .i8 else {
      throw fail("the zero point must be one INT8 value (UINT8 is not supported)")
    }
    return (Double(scale.floats()[0]), Int(zeroPoint.int64s()[0]))
  }
}
