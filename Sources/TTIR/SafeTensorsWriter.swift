/// Encodes ``SafeTensors`` exactly as the reference implementation does.
enum SafeTensorsWriter {
  static func encode(_ file: SafeTensors) -> [UInt8] {
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

    var bytes: [UInt8] = []
    bytes.reserveCapacity(8 + header.count + offset)
    withUnsafeBytes(of: UInt64(header.count).littleEndian) { bytes.append(contentsOf: $0) }
    bytes += header
    for (_, tensor) in ordered { bytes += tensor.bytes }
    return bytes
  }
}
