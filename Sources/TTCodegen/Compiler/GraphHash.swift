import TTIR

extension Graph {
  /// The SHA-256 (hex) of the graph's structure and weights: name, inputs, outputs, nodes (with
  /// attributes in name order) and every weight's type and bytes, in name order. Compiled libraries
  /// record it and the loader compares it, so a library is never run for a different graph.
  ///
  /// Every field is hashed with its length in front, so no two different graphs give the same
  /// stream of bytes, whatever their names contain (spaces, newlines, `, `).
  public var contentHash: String {
    var hasher = SHA256()
    hasher.field("ttc-graph-v2")
    hasher.field(name)
    for (kind, values) in [("inputs", inputs), ("outputs", outputs)] {
      hasher.field("\(kind) \(values.count)")
      for value in values { hasher.field(value.name, value.type.description) }
    }
    hasher.field("nodes \(nodes.count)")
    for node in nodes {
      hasher.field(node.name, node.op.rawValue, "\(node.inputs.count)")
      hasher.field(node.inputs)
      hasher.field(node.outputs)
      hasher.field("\(node.attributes.count)")
      for name in node.attributes.keys.sorted() { hasher.field(name, node.attributes[name]!.hashedForm) }
    }
    hasher.field("weights \(weights.count)")
    for weightName in weights.keys.sorted() {
      let data = weights[weightName]!
      hasher.field(weightName, data.type.description, "\(data.bytes.count)")
      data.bytes.withUnsafeBytes { hasher.update(buffer: $0) }
    }
    return hasher.finalize()
  }
}

extension AttributeValue {
  /// The kind and the value: `.int(1)` and `.float(1)` differ, and so do `.string("[1]")` and
  /// `.ints([1])`.
  fileprivate var hashedForm: String { "\(kind.rawValue) \(description)" }
}

extension SHA256 {
  /// Hashes each string with its UTF-8 length in front (`5:relu;`), so fields cannot run together.
  fileprivate mutating func field(_ values: String...) { field(values) }

  fileprivate mutating func field(_ values: [String]) {
    update("\(values.count)[")
    for value in values { update("\(value.utf8.count):\(value);") }
  }
}
