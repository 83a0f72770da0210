import TTIR
import TTKernels

extension Kernels {
  /// `cast`, `quantize_linear` and `dequantize_linear`.
  ///
  /// `cast` to a float type converts exactly where possible and rounds to nearest otherwise;
  /// to an integer type it truncates floats toward zero, maps NaN to 0, and saturates at the
  /// target type's bounds (integers too).
  static func conversion(_ step: Step, _ x: InterpreterTensor) -> InterpreterTensor {
    let node = step.node
    let shape = step.outputType.shape
    let scale = Float(node.float("scale") ?? 1)
    let zeroPoint = node.int("zero_point") ?? 0
    switch node.op {
    case .quantizeLinear:
      var quantized = [Int8](repeating: 0, count: x.count)
      withPointers([x.floats()]) { inputs in
        Quantization.quantize(inputs[0], count: x.count, scale: scale, zeroPoint: zeroPoint, &quantized)
      }
      return InterpreterTensor(unchecked: shape, .i8(quantized))
    case .dequantizeLinear:
      guard case .i8(let quantized) = x.storage else { preconditionFailure("verified i8") }
      return output(step.outputType) { out in
        Quantization.dequantize(quantized, count: x.count, scale: scale, zeroPoint: zeroPoint, out)
      }
    default:
      return cast(x, to: step.outputType.dtype)
    }
  }

  private static func cast(_ x: InterpreterTensor, to dtype: DType) -> InterpreterTensor {
    let storage: InterpreterTensor.Storage
    switch dtype {
    case .f32: storage = .f32(x.floats())
    case .f16:
      if case .f16 = x.storage { return x }
      storage = .f16(x.floats().map(HalfConversion.halfBits(from:)))
    case .i8: storage = .i8(integers(x))
    case .i32: storage = .i32(integers(x))
    case .i64: storage = .i64(integers(x))
    }
    return InterpreterTensor(unchecked: x.shape, storage)
  }

  /// The elements as `T`: floats truncated toward zero (NaN → 0), everything saturated.
  private static func integers<T: FixedWidthInteger>(_ x: InterpreterTensor) -> [T] {
    switch x.storage {
    case .f32, .f16:
      return x.floats().map { value in
        if value.isNaN { return 0 }
        if value <= Float(T.min) { return T.min }
        if value >= Float(T.max) { return T.max }
        return T(value.rounded(.towardZero))
      }
    case .i8(let values): return values.map { T(clamping: $0) }
    case .i32(let values): return values.map { T(clamping: $0) }
    case .i64(let values): return values.map { T(clamping: $0) }
    }
  }
}
