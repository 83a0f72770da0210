/// A dense tensor with its contents: the storage for weights and constants.
///
/// Bytes are little-endian and row-major (C order), exactly as they appear in a
/// safetensors file, so reading and writing weights never re-encodes them.
public struct TensorData: Hashable, Sendable {
  /// The element type and shape.
  public let type: TensorType
  /// The raw little-endian contents; `bytes.count == type.byteCount`.
  public let bytes: [UInt8]

  /// The element type.
  public var dtype: DType { type.dtype }
  /// The shape.
  public var shape: [Int] { type.shape }

  /// Creates a tensor from raw little-endian bytes.
  ///
  /// - Throws: ``TensorDataError`` if the shape is invalid or the byte count does not
  ///   match `type.byteCount`.
  public init(type: TensorType, bytes: [UInt8]) throws(TensorDataError) {
    guard let expected = type.checkedByteCount else {
      throw TensorDataError("invalid shape \(type.shape) for \(type.dtype) tensor")
    }
    guard expected == bytes.count else {
      throw TensorDataError("\(type) needs \(expected) bytes but \(bytes.count) were given")
    }
    self.type = type
    self.bytes = bytes
  }

  /// Creates an `f32` tensor from values in row-major order.
  ///
  /// - Precondition: `values.count` equals the element count of `shape`.
  public init(_ values: [Float], shape: [Int]) {
    self.init(checked: TensorType(.f32, shape), count: values.count, bits: values.map(\.bitPattern))
  }

  /// Creates an `f16` tensor by rounding `Float` values to half precision.
  ///
  /// - Precondition: `values.count` equals the element count of `shape`.
  public init(halves values: [Float], shape: [Int]) {
    self.init(
      checked: TensorType(.f16, shape), count: values.count,
      bits: values.map(HalfConversion.halfBits(from:)))
  }

  /// Creates an `i8` tensor.
  ///
  /// - Precondition: `values.count` equals the element count of `shape`.
  public init(int8s values: [Int8], shape: [Int]) {
    self.init(
      checked: TensorType(.i8, shape), count: values.count,
      bits: values.map(UInt8.init(bitPattern:)))
  }

  /// Creates an `i32` tensor.
  ///
  /// - Precondition: `values.count` equals the element count of `shape`.
  public init(int32s values: [Int32], shape: [Int]) {
    self.init(
      checked: TensorType(.i32, shape), count: values.count,
      bits: values.map(UInt32.init(bitPattern:)))
  }

  /// Creates an `i64` tensor.
  ///
  /// - Precondition: `values.count` equals the element count of `shape`.
  public init(int64s values: [Int64], shape: [Int]) {
    self.init(
      checked: TensorType(.i64, shape), count: values.count,
      bits: values.map(UInt64.init(bitPattern:)))
  }

  private init<Bits: FixedWidthInteger>(checked type: TensorType, count: Int, bits: [Bits]) {
    precondition(type.checkedElementCount == count, "\(count) values do not fill \(type)")
    var bytes: [UInt8] = []
    bytes.reserveCapacity(count * MemoryLayout<Bits>.size)
    for value in bits {
      withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
    self.type = type
    self.bytes = bytes
  }

  /// The elements converted to `Float`, in row-major order (exact for `f32`, `f16` and `i8`;
  /// rounded for large `i32`/`i64`).
  public func floats() -> [Float] {
    switch dtype {
    case .f32: return integers(as: UInt32.self).map(Float.init(bitPattern:))
    case .f16: return integers(as: UInt16.self).map(HalfConversion.float(fromHalfBits:))
    case .i8: return bytes.map { Float(Int8(bitPattern: $0)) }
    case .i32: return integers(as: Int32.self).map(Float.init)
    case .i64: return integers(as: Int64.self).map(Float.init)
    }
  }

  /// The elements converted to `Int64`, in row-major order (floats are truncated toward zero;
  /// non-finite floats become 0).
  public func int64s() -> [Int64] {
    switch dtype {
    case .i8: return bytes.map { Int64(Int8(bitPattern: $0)) }
    case .i32: return integers(as: Int32.self).map(Int64.init)
    case .i64: return integers(as: Int64.self)
    case .f32, .f16: return floats().map { $0.isFinite ? Int64($0) : 0 }
    }
  }

  /// Reads the bytes as little-endian integers of type `T`.
  private func integers<T: FixedWidthInteger>(as: T.Type) -> [T] {
    let size = MemoryLayout<T>.size
    return bytes.withUnsafeBytes { raw in
      (0..<(raw.count / size)).map { index in
        T(littleEndian: raw.loadUnaligned(fromByteOffset: index * size, as: T.self))
      }
    }
  }
}

/// An invalid ``TensorData`` construction, e.g. a byte count that does not match the shape.
public struct TensorDataError: Error, Hashable, Sendable, CustomStringConvertible {
  /// A one-line explanation.
  public let description: String

  /// Creates an error with a one-line explanation.
  public init(_ description: String) { self.description = description }
}
