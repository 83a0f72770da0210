import TTIR

/// A dense tensor passed to or returned by the ``Interpreter``: element type, shape and typed
/// row-major storage.
///
/// ```swift
/// let x = InterpreterTensor([0.5, -1, 2, 0], shape: [1, 4])
/// let outputs = try interpreter.run(["x": x])
/// print(outputs["y"]!.floats())
/// ```
public struct InterpreterTensor: Hashable, Sendable, CustomStringConvertible {
  /// The elements, one case per ``TTIR/DType``.
  public enum Storage: Hashable, Sendable {
    /// 32-bit floats.
    case f32([Float])
    /// Half-precision floats as their IEEE 754 bit patterns.
    case f16([UInt16])
    /// Signed 8-bit integers (quantized values).
    case i8([Int8])
    /// Signed 32-bit integers.
    case i32([Int32])
    /// Signed 64-bit integers.
    case i64([Int64])

    /// The element type.
    public var dtype: DType {
      switch self {
      case .f32: .f32
      case .f16: .f16
      case .i8: .i8
      case .i32: .i32
      case .i64: .i64
      }
    }

    /// The number of elements.
    public var count: Int {
      switch self {
      case .f32(let values): values.count
      case .f16(let values): values.count
      case .i8(let values): values.count
      case .i32(let values): values.count
      case .i64(let values): values.count
      }
    }
  }

  /// The extent of each axis (`[]` for a scalar).
  public let shape: [Int]
  /// The elements, row-major.
  public let storage: Storage

  /// The element type.
  public var dtype: DType { storage.dtype }
  /// The static type (dtype and shape).
  public var type: TensorType { TensorType(storage.dtype, shape) }
  /// The number of elements.
  public var count: Int { storage.count }

  /// Creates a tensor, checking that the storage fills the shape.
  ///
  /// - Throws: ``InterpreterError`` for a negative dimension or a count mismatch.
  public init(shape: [Int], storage: Storage) throws(InterpreterError) {
    guard let expected = TensorType(storage.dtype, shape).checkedElementCount else {
      throw InterpreterError("invalid shape \(shape)")
    }
    guard expected == storage.count else {
      throw InterpreterError(
        "shape \(shape) needs \(expected) elements, got \(storage.count)")
    }
    self.init(unchecked: shape, storage)
  }

  /// Creates an `f32` tensor.
  ///
  /// - Precondition: `values.count` equals the element count of `shape`.
  public init(_ values: [Float], shape: [Int]) {
    precondition(
      TensorType(.f32, shape).checkedElementCount == values.count,
      "\(values.count) values do not fill shape \(shape)")
    self.init(unchecked: shape, .f32(values))
  }

  /// Decodes a weight or constant from its little-endian bytes.
  public init(_ data: TensorData) {
    let storage: Storage =
      switch data.dtype {
      case .f32: .f32(data.floats())
      case .f16: .f16(data.bytes.withUnsafeBytes { Self.load($0, count: data.type.elementCount) })
      case .i8: .i8(data.bytes.map { Int8(bitPattern: $0) })
      case .i32: .i32(data.int64s().map { Int32(truncatingIfNeeded: $0) })
      case .i64: .i64(data.int64s())
      }
    self.init(unchecked: data.shape, storage)
  }

  init(unchecked shape: [Int], _ storage: Storage) {
    self.shape = shape
    self.storage = storage
  }

  /// The tensor as little-endian bytes, e.g. to save it in a safetensors file.
  public var tensorData: TensorData {
    switch storage {
    case .f32(let values): TensorData(values, shape: shape)
    case .f16(let bits): TensorData(halves: bits.map(HalfConversion.float(fromHalfBits:)), shape: shape)
    case .i8(let values): TensorData(int8s: values, shape: shape)
    case .i32(let values): TensorData(int32s: values, shape: shape)
    case .i64(let values): TensorData(int64s: values, shape: shape)
    }
  }

  /// The elements converted to `Float` (exact for `f32`, `f16` and `i8`; rounded for large
  /// integers).
  public func floats() -> [Float] {
    switch storage {
    case .f32(let values): values
    case .f16(let bits): bits.map(HalfConversion.float(fromHalfBits:))
    case .i8(let values): values.map(Float.init)
    case .i32(let values): values.map(Float.init)
    case .i64(let values): values.map(Float.init)
    }
  }

  /// The elements converted to `Int64` (floats truncated toward zero, non-finite to 0).
  public func int64s() -> [Int64] {
    switch storage {
    case .i8(let values): return values.map(Int64.init)
    case .i32(let values): return values.map(Int64.init)
    case .i64(let values): return values
    case .f32, .f16: return floats().map { $0.isFinite ? Int64($0) : 0 }
    }
  }

  /// `f32[2, 3]`.
  public var description: String { type.description }

  private static func load(_ raw: UnsafeRawBufferPointer, count: Int) -> [UInt16] {
    (0..<count).map { UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self)) }
  }
}
