import TTIR

extension Graph {
  /// The SHA-256 (hex) of the graph's structure and weights: name, inputs, outputs, nodes (with
  /// attributes in name order) and every weight's type and bytes, in name order. Compiled libraries
  /// record it and the loader compares it, so a library is never run for a different graph.
  public var contentHash: String {
    var hasher = SHA256()
    hasher.update("ttc-graph-v1\nname \(name)\n")
    for input in inputs { hasher.update("input \(input)\n") }
    for output in outputs { hasher.update("output \(output)\n") }
    for node in nodes { hasher.update("node \(node.name) \(node)\n") }
    for weightName in weights.keys.sorted() {
      let data = weights[weightName]!
      hasher.update("weight \(weightName) \(data.type) \(data.bytes.count)\n")
      data.bytes.withUnsafeBytes { hasher.update(buffer: $0) }
    }
    return hasher.finalize()
  }
}
