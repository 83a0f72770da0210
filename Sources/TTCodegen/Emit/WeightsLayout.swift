import TTIR

/// How weights are packed into the blob a library embeds (or is given at run time): each tensor
/// at a 64-byte-aligned offset, in name order, bytes exactly as in the graph (little-endian).
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
  /// The blob size in bytes.
  public var totalBytes: Int

  /// Lays out every weight of `graph` (the `drop-unused-weights` pass removes unused ones first).
  public init(_ graph: Graph) {
    var offset = 0
    entries = []
    for name in graph.weights.keys.sorted() {
      let type = graph.weights[name]!.type
      entries.append(Entry(name: name, type: type, offset: offset))
      offset = MemoryPlanner.aligned(offset + type.byteCount)
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
    return bytes
  }
}
