import Foundation
import TTIR

extension Onnx_TensorProto {
  /// The tensor as IR data: raw bytes are copied in one piece, typed fields (`float_data`,
  /// `int32_data`, `int64_data`) are converted, and external data is read from a file inside
  /// `directory` (the model's folder). `BOOL` becomes `f32` 0/1.
  ///
  /// - Throws: ``ONNXError`` for an element type the IR lacks, a size mismatch, or an external
  ///   file that is missing, too short or outside `directory`.
  func tensorData(directory: URL?) throws(ONNXError) -> TensorData {
    let label = name.isEmpty ? "tensor" : "tensor '\(name)'"
    guard let dtype = ONNXDataType.dtype(dataType) else {
      throw ONNXError(
        "\(label): element type \(ONNXDataType.name(dataType)) is not supported "
          + "(supported: FLOAT, FLOAT16, INT8, INT32, INT64, BOOL)")
    }
    guard dims.allSatisfy({ $0 >= 0 && $0 <= Int64(Int32.max) }) else {
      throw ONNXError("\(label): invalid dimensions \(dims)")
    }
    let type = TensorType(dtype, dims.map { Int($0) })
    guard let count = type.checkedElementCount else {
      throw ONNXError("\(label): shape \(type.shape) is too large")
    }
    let isBool = dataType == ONNXDataType.bool
    let bytes: [UInt8]
    if dataLocation == .external {
      let raw = try externalBytes(directory: directory, label: label)
      bytes = isBool ? Self.boolBytes(raw.map { $0 != 0 }) : raw
    } else if hasRawData {
      bytes = isBool ? Self.boolBytes(rawData.map { $0 != 0 }) : [UInt8](rawData)
    } else if isBool {
      bytes = Self.boolBytes(int32Data.map { $0 != 0 })
    } else {
      switch dtype {
      case .f32: bytes = Self.littleEndianBytes(floatData.map(\.bitPattern))
      case .f16: bytes = Self.littleEndianBytes(int32Data.map { UInt16(truncatingIfNeeded: $0) })
      case .i8: bytes = int32Data.map { UInt8(truncatingIfNeeded: $0) }
      case .i32: bytes = Self.littleEndianBytes(int32Data)
      case .i64: bytes = Self.littleEndianBytes(int64Data)
      }
    }
    let expected = count * dtype.byteSize
    guard bytes.count == expected else {
      throw ONNXError(
        "\(label): \(ONNXDataType.name(dataType))\(type.shape) needs \(expected) bytes of data "
          + "but has \(bytes.count)")
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
