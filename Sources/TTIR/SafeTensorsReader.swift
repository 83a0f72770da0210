/// Decodes and validates a safetensors buffer; see ``SafeTensors``.
struct SafeTensorsReader {
  let bytes: [UInt8]

  private struct Entry {
    let name: String
    let dtype: SafeTensorsDType
    let shape: [Int]
    let begin: Int
    let end: Int
  }

  private func fail(_ message: String) -> SafeTensorsError { SafeTensorsError(message) }

  func read() throws(SafeTensorsError) -> SafeTensors {
    guard bytes.count >= 8 else {
      throw fail(
        "file is \(bytes.count) bytes, too short for the 8-byte header length (truncated?)")
    }
    let headerLength = bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    let available = bytes.count - 8
    guard headerLength <= UInt64(available) else {
      throw fail(
        "header length \(headerLength) exceeds the \(available) bytes after it (truncated?)")
    }
    let dataStart = 8 + Int(headerLength)
    guard headerLength > 0, bytes[8] == UInt8(ascii: "{") else {
      throw fail("header does not start with '{'")
    }
    let header: JSON
    do {
      header = try JSONParser.parse(Array(bytes[8..<dataStart]))
    } catch {
      throw fail("header is not valid JSON: \(error)")
    }
    guard case .object(let members) = header else { throw fail("header is not a JSON object") }

    var metadata: [String: String] = [:]
    var entries: [Entry] = []
    for member in members {
      if member.key == "__metadata__" {
        metadata = try readMetadata(member.value)
      } else {
        entries.append(try readEntry(member.key, member.value))
      }
    }
    let dataSize = bytes.count - dataStart
    try checkLayout(entries, dataSize: dataSize)

    var tensors: [String: TensorData] = [:]
    var converted: [String: String] = [:]
    for entry in entries {
      let raw = Array(bytes[(dataStart + entry.begin)..<(dataStart + entry.end)])
      tensors[entry.name] = try makeTensor(entry, raw)
      if entry.dtype == .f64 || entry.dtype == .bf16 { converted[entry.name] = entry.dtype.rawValue }
    }
    var result = SafeTensors(tensors: tensors, metadata: metadata)
    result.convertedDTypes = converted
    return result
  }

  private func readMetadata(_ value: JSON) throws(SafeTensorsError) -> [String: String] {
    guard case .object(let members) = value else { throw fail("__metadata__ is not an object") }
    var metadata: [String: String] = [:]
    for member in members {
      guard case .string(let text) = member.value else {
        throw fail(
          "__metadata__ value for '\(member.key)' is \(member.value.typeName), not a string")
      }
      metadata[member.key] = text
    }
    return metadata
  }

  private func readEntry(_ name: String, _ value: JSON) throws(SafeTensorsError) -> Entry {
    func bad(_ message: String) -> SafeTensorsError { fail("tensor '\(name)': \(message)") }
    guard case .object = value else { throw bad("entry is \(value.typeName), not an object") }
    guard case .string(let dtypeName)? = value["dtype"] else { throw bad("missing string 'dtype'") }
    guard let dtype = SafeTensorsDType(rawValue: dtypeName) else {
      let supported = SafeTensorsDType.allCases.map(\.rawValue).joined(separator: ", ")
      throw bad("unsupported dtype \(dtypeName) (supported: \(supported))")
    }
    guard let shape = Self.integers(value["shape"]), shape.allSatisfy({ $0 >= 0 }) else {
      throw bad("'shape' must be an array of non-negative integers")
    }
    guard let offsets = Self.integers(value["data_offsets"]), offsets.count == 2, offsets[0] >= 0,
      offsets[0] <= offsets[1]
    else {
      throw bad("'data_offsets' must be [begin, end] with 0 ≤ begin ≤ end")
    }
    var byteCount = dtype.byteSize
    for dim in shape {
      let (product, overflow) = byteCount.multipliedReportingOverflow(by: dim)
      guard !overflow else { throw bad("shape \(shape) is too large") }
      byteCount = product
    }
    guard byteCount == offsets[1] - offsets[0] else {
      throw bad(
        "\(dtypeName) \(shape) needs \(byteCount) bytes but data_offsets \(offsets) span \(offsets[1] - offsets[0])"
      )
    }
    return Entry(name: name, dtype: dtype, shape: shape, begin: offsets[0], end: offsets[1])
  }

  /// Offsets must lie in the data section and tile it exactly (no overlap, gap or trailing bytes).
  private func checkLayout(_ entries: [Entry], dataSize: Int) throws(SafeTensorsError) {
    let sorted = entries.sorted { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
    var expectedBegin = 0
    var previous: Entry?
    for entry in sorted {
      guard entry.end <= dataSize else {
        throw fail(
          "tensor '\(entry.name)': data_offsets [\(entry.begin), \(entry.end)] exceed the \(dataSize)-byte data section (truncated?)"
        )
      }
      if entry.begin < expectedBegin, let previous {
        throw fail("tensors '\(previous.name)' and '\(entry.name)' overlap")
      }
      guard entry.begin == expectedBegin else {
        throw fail(
          "gap before tensor '\(entry.name)': data_offsets begin at \(entry.begin), expected \(expectedBegin)"
        )
      }
      expectedBegin = entry.end
      previous = entry
    }
    guard expectedBegin == dataSize else {
      throw fail(
        "\(dataSize - expectedBegin) bytes after the last tensor are not described by the header")
    }
  }

  private func makeTensor(_ entry: Entry, _ raw: [UInt8]) throws(SafeTensorsError) -> TensorData {
    let type: TensorType
    var payload = raw
    switch entry.dtype {
    case .f64:
      type = TensorType(.f32, entry.shape)
      payload = []
      payload.reserveCapacity(raw.count / 2)
      for index in stride(from: 0, to: raw.count, by: 8) {
        let bits = raw[index..<(index + 8)].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let narrowed = Float(Double(bitPattern: bits)).bitPattern
        withUnsafeBytes(of: narrowed.littleEndian) { payload.append(contentsOf: $0) }
      }
    case .bf16:
      // bfloat16 is the upper half of a float32.
      type = TensorType(.f32, entry.shape)
      payload = []
      payload.reserveCapacity(raw.count * 2)
      for index in stride(from: 0, to: raw.count, by: 2) {
        payload += [0, 0, raw[index], raw[index + 1]]
      }
    case .f32: type = TensorType(.f32, entry.shape)
    case .f16: type = TensorType(.f16, entry.shape)
    case .i8: type = TensorType(.i8, entry.shape)
    case .i32: type = TensorType(.i32, entry.shape)
    case .i64: type = TensorType(.i64, entry.shape)
    }
    do {
      return try TensorData(type: type, bytes: payload)
    } catch {
      throw fail("tensor '\(entry.name)': \(error)")
    }
  }

  private static func integers(_ value: JSON?) -> [Int]? {
    guard case .array(let elements)? = value else { return nil }
    var result: [Int] = []
    for element in elements {
      guard case .int(let number) = element else { return nil }
      result.append(number)
    }
    return result
  }
}
