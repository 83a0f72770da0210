import TTIR

/// ONNX's `TensorProto.DataType` codes and how they map to IR dtypes.
///
/// `BOOL` has no IR dtype: booleans become `f32` 0/1, exactly what the IR's comparisons
/// produce, so `Equal` → `Where` chains and boolean constants keep their meaning.
///
/// Initializers and graph inputs of five more element types are stored as the nearest IR dtype
/// (``storedDType(_:)``): `DOUBLE` → `f32` (rounded to nearest), `BFLOAT16` → `f32` (exact),
/// `UINT8`, `INT16` and `UINT16` → `i32` (exact). `Cast` to those types stays unsupported.
enum ONNXDataType {
  static let float: Int32 = 1
  static let uint8: Int32 = 2
  static let int8: Int32 = 3
  static let uint16: Int32 = 4
  static let int16: Int32 = 5
  static let int32: Int32 = 6
  static let int64: Int32 = 7
  static let bool: Int32 = 9
  static let float16: Int32 = 10
  static let double: Int32 = 11
  static let bfloat16: Int32 = 16

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

  /// The IR dtype that holds initializers and graph inputs of an ONNX element type: ``dtype(_:)``,
  /// and also `DOUBLE` and `BFLOAT16` as `f32`, `UINT8`, `INT16` and `UINT16` as `i32`.
  static func storedDType(_ code: Int32) -> DType? {
    switch code {
    case double, bfloat16: .f32
    case uint8, int16, uint16: .i32
    default: dtype(code)
    }
  }

  /// Bytes per element of an ONNX element type the importer reads.
  static func byteSize(_ code: Int32) -> Int? {
    switch code {
    case double: 8
    case bfloat16, int16, uint16: 2
    case uint8: 1
    case bool: 1
    default: dtype(code)?.byteSize
    }
  }

  /// The names of the element types ``storedDType(_:)`` accepts, for error messages.
  static let storedNames =
    "FLOAT, FLOAT16, BFLOAT16, DOUBLE, INT8, UINT8, INT16, UINT16, INT32, INT64, BOOL"

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
