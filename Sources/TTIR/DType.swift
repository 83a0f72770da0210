/// The element type of a tensor in the graph IR.
///
/// Raw values are the spellings used in `model.json` (`"f32"`, `"i64"`, ...).
public enum DType: String, CaseIterable, Sendable, Codable, CustomStringConvertible {
  /// 32-bit IEEE 754 float.
  case f32
  /// 16-bit IEEE 754 half-precision float.
  case f16
  /// Signed 8-bit integer (quantized storage).
  case i8
  /// Signed 32-bit integer.
  case i32
  /// Signed 64-bit integer (indices, `argmax` results).
  case i64

  /// The size of one element in bytes.
  public var byteSize: Int {
    switch self {
    case .f32, .i32: 4
    case .f16: 2
    case .i8: 1
    case .i64: 8
    }
  }

  /// Whether the type is a floating-point type.
  public var isFloatingPoint: Bool { self == .f32 || self == .f16 }

  /// Whether the type is a signed integer type.
  public var isInteger: Bool { !isFloatingPoint }

  /// The spelling used in `model.json`, e.g. `f32`.
  public var description: String { rawValue }
}
