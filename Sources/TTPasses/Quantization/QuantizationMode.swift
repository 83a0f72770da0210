/// How `ttc --quantize` and ``Quantization`` store and compute a model's layers.
public enum QuantizationMode: String, CaseIterable, Sendable {
  /// Unchanged: f32 weights and arithmetic.
  case none
  /// Weights stored as float16 (half the bytes), computed in float32.
  case fp16
  /// int8 weights (symmetric, per output channel), activations quantized per call and per tensor.
  case int8Dynamic = "int8-dynamic"
  /// int8 weights and activations; activation ranges calibrated on sample inputs beforehand.
  case int8
}
