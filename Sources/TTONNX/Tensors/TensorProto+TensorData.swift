import Foundation
import TTIR

extension Onnx_TensorProto {
  /// The tensor as IR data: raw bytes are copied in one piece, typed fields (`float_data`,
  /// `double_data`, `int32_data`, `int64_data`) are converted, and external data is read from a
  /// file inside `directory` (the model's folder). `BOOL` becomes `f32` 0/1, `DOUBLE` `f32`
  /// (rounded to nearest), `BFLOAT16` `f32` (exact), `UINT8`, `INT16` and `UINT16` `i32` (exact).
  ///
  /// - Throws: ``ONNXError`` for an element type the IR lacks, a size mismatch, or an external
  ///   file that is missing, too short or outside `directory`.
  func tensorData(directory: URL?) throws(ONNXError) -> TensorData {
    let label = name.isEmpty ? "tensor" : "tensor '\(name)'"
    guard let dtype = ONNXDataType.storedDType(dataType), let sourceSize = ONNXDataType.byteSize(dataType)
    else {
      throw ONNXError(
        "\(label): element type \(ONNXDataType.name(dataType)) is not supported "
          + "(supported: \(ONNXDataType.storedNames))")
    }
    guard dims.allSatisfy({ $0 >= 0 && $0 <= Int64(Int32.max) }) else {
      throw ONNXError("\(label): invalid dimensions \(dims)")
    }
    let type = TensorType(dtype, dims.map { Int($0) })
    guard let count = type.checkedElementCount else {
      throw ONNXError("\(label): shape \(type.shape) is too large")
    }
    let bytes: [UInt8]
    if dataLocation == .external || hasRawData {
      let raw =
        dataLocation == .external ? try externalBytes(directory: directory, label: label) : [UInt8](rawData)
      let expected = count * sourceSize
      guard raw.count == expected else {
        throw ONNXError(
          "\(label): \(ONNXDataType.name(dataType))\(type.shape) needs \(expected) bytes of data "
            + "but has \(raw.count)")
      }
      bytes = Self.converted(raw: raw, from: dataType)
    } else {
      switch dataType {
      case ONNXDataType.bool: bytes = Self.boolBytes(int32Data.map { $0 != 0 })
      case ONNXDataType.double: bytes = Self.littleEndianBytes(doubleData.map { Float($0).bitPattern })
      case ONNXDataType.bfloat16:
        bytes = Self.littleEndianBytes(int32Data.map { UInt32(UInt16(truncatingIfNeeded: $0)) << 16 })
      case ONNXDataType.uint8:
        bytes = Self.littleEndianBytes(int32Data.map { Int32(UInt8(truncatingIfNeeded: $0)) })
      case ONNXDataType.int16:
        bytes = Self.littleEndianBytes(int32Data.map { Int32(Int16(truncatingIfNeeded: $0)) })
      case ONNXDataType.uint16:
        bytes = Self.littleEndianBytes(int32Data.map { Int32(UInt16(truncatingIfNeeded: $0)) })
      default:
        switch dtype {
        case .f32: bytes = Self.littleEndianBytes(floatData.map(\.bitPattern))
        case .f16: bytes = Self.littleEndianBytes(int32Data.map { UInt16(truncatingIfNeeded: $0) })
        case .i8: bytes = int32Data.map { UInt8(truncatingIfNeeded: $0) }
        case .i32: bytes = Self.littleEndianBytes(int32Data)
        case .i64: bytes = Self.littleEndianBytes(int64Data)
        }
      }
      guard bytes.count == count * dtype.byteSize else {
        throw ONNXError(
          "\(label): \(ONNXDataType.name(dataType))\(type.shape) needs \(count) elements "
            + "but has \(bytes.count / dtype.byteSize)")
      }
    }
    do {
      return try TensorData(type: type, bytes: bytes)
    } catch {
      throw ONNXError("\(label): \(error)")
    }
  }

  /// A proto holding `data` as `raw_data` (`f32` stays `FLOAT`).
  init(_ data: TensorData, name: String) {
    self.init()
    self.name = name
    dims = data.shape.map(Int64.init)
    dataType = ONNXDataType.code(data.dtype)
    rawData = Data(data.bytes)
  }

  /// Reads `location` (relative to `directory`, never outside it) from `offset` for `length`.
  private func externalBytes(directory: URL?, label: String) throws(ONNXError) -> [UInt8] {
    let fields = Dictionary(externalData.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
    guard let location = fields["location"], !location.isEmpty else {
      throw ONNXError("\(label): external data without a 'location'")
    }
    guard let directory else {
      throw ONNXError("\(label): external data '\(location)' needs the model's folder")
    }
    let folder = directory.standardizedFileURL.resolvingSymlinksInPath()
    let file = folder.appendingPathComponent(location).standardizedFileURL.resolvingSymlinksInPath()
    guard !location.hasPrefix("/"), file.path.hasPrefix(folder.path + "/") else {
      throw ONNXError(
        "\(label): external data path '\(location)' leaves the model's folder \(folder.path)")
    }
    guard let offset = Int(fields["offset"] ?? "0"), offset >= 0 else {
      throw ONNXError("\(label): invalid external data offset '\(fields["offset"] ?? "")'")
    }
    let length = fields["length"].flatMap { Int($0) }
    guard let handle = FileHandle(forReadingAtPath: file.path) else {
      throw ONNXError("\(label): cannot open external data file \(file.path)")
    }
    defer { try? handle.close() }
    do {
      try handle.seek(toOffset: UInt64(offset))
      let data = try length.map { try handle.read(upToCount: $0) } ?? handle.readToEnd()
      let bytes = [UInt8](data ?? Data())
      if let length, bytes.count != length {
        throw ONNXError(
          "\(label): external data file \(location) has \(bytes.count) bytes at offset \(offset), "
            + "\(length) needed")
      }
      return bytes
    } catch let error as ONNXError {
      throw error
    } catch {
      throw ONNXError("\(label): cannot read external data file \(location): \(error)")
    }
  }

  /// Little-endian `raw_data` of ONNX element type `code` as the bytes of its stored IR dtype.
  private static func converted(raw: [UInt8], from code: Int32) -> [UInt8] {
    func words<T: FixedWidthInteger>(_: T.Type) -> [T] {
      stride(from: 0, to: raw.count, by: MemoryLayout<T>.size).map { start in
        raw[start..<start + MemoryLayout<T>.size].reversed().reduce(T(0)) { $0 << 8 | T($1) }
      }
    }
    switch code {
    case ONNXDataType.bool: return boolBytes(raw.map { $0 != 0 })
    case ONNXDataType.double:
      return littleEndianBytes(words(UInt64.self).map { Float(Double(bitPattern: $0)).bitPattern })
    case ONNXDataType.bfloat16: return littleEndianBytes(words(UInt16.self).map { UInt32($0) << 16 })
    case ONNXDataType.uint8: return littleEndianBytes(raw.map { Int32($0) })
    case ONNXDataType.int16: return littleEndianBytes(words(UInt16.self).map { Int32(Int16(bitPattern: $0)) })
    case ONNXDataType.uint16: return littleEndianBytes(words(UInt16.self).map { Int32($0) })
    default: return raw
    }
  }

  private static func boolBytes(_ flags: [Bool]) -> [UInt8] {
    littleEndianBytes(flags.map { ($0 ? Float(1) : 0).bitPattern })
  }

  private static func littleEndianBytes<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(values.count * MemoryLayout<T>.size)
    for value in values {
      withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
    return bytes
  }
}
