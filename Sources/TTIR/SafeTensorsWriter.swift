/// Encodes ``SafeTensors`` exactly as the reference implementation does.
enum SafeTensorsWriter {
  static func encode(_ file: SafeTensors) -> [UInt8] {
    let (header, ordered) = layout(file)
    var bytes = header
    bytes.reserveCapacity(header.count + ordered.reduce(0) { $0 + $1.bytes.count })
    for tensor in ordered { bytes += tensor.bytes }
    return bytes
  }

  /// The file's start (length and JSON header) and its tensors in file order: the file is the
  /// start followed by each tensor's bytes.
  static func layout(_ file: SafeTensors) -> (start: [UInt8], tensors: [TensorData]) {
    let ordered = file.tensors.sorted { left, right in
      let (l, r) = (
        SafeTensorsDType(left.value.dtype).sortRank, SafeTensorsDType(right.value.dtype).sortRank
      )
      if l != r { return l > r }
      return left.key.utf8.lexicographicallyPrecedes(right.key.utf8)
    }
    var members: [JSON.Member] = []
    if !file.metadata.isEmpty {
      let pairs = file.metadata.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        .map { JSON.Member(key: $0, value: .string(file.metadata[$0]!)) }
      members.append(JSON.Member(key: "__metadata__", value: .object(pairs)))
    }
    var offset = 0
    for (name, tensor) in ordered {
      let entry = JSON.object([
        "dtype": .string(SafeTensorsDType(tensor.dtype).rawValue),
        "shape": .array(tensor.shape.map(JSON.int)),
        "data_offsets": .array([.int(offset), .int(offset + tensor.bytes.count)]),
      ])
      members.append(JSON.Member(key: name, value: entry))
      offset += tensor.bytes.count
    }
    var header = Array(JSONWriter.string(.object(members), style: .compact).utf8)
    header += Array(repeating: UInt8(ascii: " "), count: (8 - header.count % 8) % 8)

    var start: [UInt8] = []
    start.reserveCapacity(8 + header.count)
    withUnsafeBytes(of: UInt64(header.count).littleEndian) { start.append(contentsOf: $0) }
    return (start + header, ordered.map(\.value))
  }
}
