/// How `ttc --quantize` stores and compute a model's layers.
public enum QuantizationMode: String, CaseIterable, Sendable {
  /// Unchanged: f32 weights and arithmetic.
  case none
  /// Weights stored as float16 (half the bytes), computed in float32 (``QuantizeFP16``).
  case fp16
  /// int8 weights (symmetric, per output channel), activations quantized per call and per tensor
  /// (``QuantizeInt8Dynamic``).
  case int8Dynamic = "int8-dynamic"
  /// int8 weights and activations; activation ranges calibrated on sample inputs beforehand
  /// (``QuantizeInt8Static``).
  case int8

  /// The pass of this mode (nil for `none`); `int8` needs the calibrated `ranges`.
  public func pass(ranges: [String: ClosedRange<Float>]?) throws(PassError) -> (any Pass)? {
    switch self {
    case .none: return nil
    case .fp16: return QuantizeFP16()
    case .int8Dynamic: return QuantizeInt8Dynamic()
    case .int8:
      return try PassRegistry.registration(named: QuantizeInt8Static.name).make(
        PassOptions(activationRanges: ranges))
    }
  }
}
