import TTIR

/// ONNX's `TensorProto.DataType` codes and how they map to IR dtypes.
///
/// `BOOL` has no IR dtype: booleans become `f32` 0/1, exactly what the IR's comparisons
/// produce, so `Equal` → `Where` chains and boolean constants keep their meaning.
enum ONNXDataType {
  static let float: Int32 = 1
  static let uint8: Int32 = 2
  static let int8: Int32 = 3
  static let int32: Int32 = 6
  static let int64: Int32 = 7
  static let bool: Int32 = 9
  static let float16: Int32 = 10
  static let double: Int32 = 11

  /// The IR dtype for an ONNX element type, or `nil` when the IR has none.
  static func dtype(_ code: Int32) -> DType? {
    switch code {
    case float, bool: .f32
    case int8: .i8
    case int32: .i32
    case int64: .i64
    case float16: .f16
    default: nil
    }
  }

  /// The ONNX element type of an IR dtype.
  static func code(_ dtype: DType) -> Int32 {
    switch dtype {
    case .f32: float
    case .f16: float16
    case .i8: int8
    case .i32: int32
    case .i64: int64
    }
  }

  /// ONNX's name for an element type code (`FLOAT`, `UINT8`, ...), for error messages.
  static func name(_ code: Int32) -> String {
    let names = [
      0: "UNDEFINED", 1: "FLOAT", 2: "UINT8", 3: "INT8", 4: "UINT16", 5: "INT16", 6: "INT32",
      7: "INT64", 8: "STRING", 9: "BOOL", 10: "FLOAT16", 11: "DOUBLE", 12: "UINT32", 13: "UINT64",
      14: "COMPLEX64", 15: "COMPLEX128", 16: "BFLOAT16",
    ]
    return names[Int(code)] ?? "type \(code)"
  }
}
