import TTIR
import TTRuntime

/// How weights are packed into the blob a library embeds (or is given at run time): each tensor
/// at a 64-byte-aligned offset, in name order, bytes exactly as in the graph (little-endian);
/// then, for an embedded blob, the int8 weights that `quantized_linear` layers read re-laid out
/// by `tt_qpack` (Runtime/include/tt_qgemm.h), which the descriptor does not list.
public struct WeightsLayout: Sendable, Hashable {
  /// One placed weight.
  public struct Entry: Sendable, Hashable {
    /// The value name.
    public var name: String
    /// Its type.
    public var type: TensorType
    /// The byte offset in the blob.
    public var offset: Int
  }

  /// The weights, in name order.
  public var entries: [Entry]
  /// The offsets of the `tt_qpack` forms of int8 `[n, k]` weights, by weight name.
  public var packedInt8: [String: Int]
  /// The blob size in bytes.
  public var totalBytes: Int

  /// Lays out every weight of `graph` (the `drop-unused-weights` pass removes unused ones first),
  /// then the packed forms of the int8 weights named in `packingInt8`.
  public init(_ graph: Graph, packingInt8: Set<String> = []) {
    var offset = 0
    entries = []
    for name in graph.weights.keys.sorted() {
      let type = graph.weights[name]!.type
      entries.append(Entry(name: name, type: type, offset: offset))
      offset = MemoryPlanner.aligned(offset + type.byteCount)
    }
    packedInt8 = [:]
    for name in packingInt8.sorted() {
      let shape = graph.weights[name]!.type.shape
      packedInt8[name] = offset
      offset = MemoryPlanner.aligned(offset + Int(tt_qpack_bytes(Int64(shape[0]), Int64(shape[1]))))
    }
    totalBytes = offset
  }

  /// The packed blob for `graph`'s weights.
  public func blob(_ graph: Graph) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: totalBytes)
    for entry in entries {
      let data = graph.weights[entry.name]!.bytes
      bytes.replaceSubrange(entry.offset..<entry.offset + data.count, with: data)
    }
    bytes.withUnsafeMutableBytes { blob in
      for (name, offset) in packedInt8 {
        let weight = graph.weights[name]!
        weight.bytes.withUnsafeBytes {
          tt_qpack(
            $0.bindMemory(to: Int8.self).baseAddress!, Int64(weight.type.shape[0]),
            Int64(weight.type.shape[1]),
            blob.baseAddress! + offset)
        }
      }
    }
    return bytes
  }
}
