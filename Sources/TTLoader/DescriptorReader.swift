import TTIR

/// Reads the C structs of `tt_model.h` field by field (LP64 layout; TTCodegenTests checks the
/// offsets against clang's `offsetof`).
struct DescriptorReader {
  let base: UnsafeRawPointer

  init(_ base: UnsafeRawPointer) { self.base = base }

  /// The `const char *` field at `offset`.
  func string(at offset: Int) -> String {
    base.load(fromByteOffset: offset, as: UnsafePointer<CChar>?.self).map { String(cString: $0) } ?? ""
  }

  /// The table of `tt_tensor_desc`-prefixed records whose count (`int32_t`) is at `count` and
  /// pointer at `table`, records `stride` bytes apart.
  func tensors(count: Int, table: Int, stride: Int) -> [(info: ValueInfo, raw: UnsafeRawPointer)] {
    let n = Int(base.load(fromByteOffset: count, as: Int32.self))
    guard n > 0, let records = base.load(fromByteOffset: table, as: UnsafeRawPointer?.self) else { return [] }
    return (0..<n).map { index in
      let record = records + index * stride
      let reader = DescriptorReader(record)
      let dtype = Self.dtype(record.load(fromByteOffset: 8, as: Int32.self)) ?? .f32
      let rank = Int(record.load(fromByteOffset: 12, as: Int32.self))
      let shapePointer = record.load(fromByteOffset: 16, as: UnsafePointer<Int64>?.self)
      let shape = (0..<rank).map { Int(shapePointer![$0]) }
      return (ValueInfo(reader.string(at: 0), dtype, shape), record)
    }
  }

  /// The `DType` of a `tt_dtype` value.
  static func dtype(_ value: Int32) -> DType? {
    switch value {
    case 0: .f32
    case 1: .f16
    case 2: .i8
    case 3: .i32
    case 4: .i64
    default: nil
    }
  }
}
