import TTIR

/// Merges nodes that compute the same op on the same inputs with the same attributes, and
/// weights with identical contents, keeping the first (weights: the first by name).
///
/// Weights go first, so nodes reading two copies of one constant become identical. Nodes are
/// visited in order and later readers see the merged names, so whole duplicated chains merge in
/// one run. Every op is deterministic, so merging never changes a result.
public struct EliminateCommonSubexpressions: Pass {
  public static let name = "cse"
  public static let purpose =
    "Merges nodes computing the same op on the same inputs and attributes, and identical weights."

  /// The pass.
  public init() {}

  /// A weight's type and up to 64 of its bytes, evenly spaced.
  private struct WeightSample: Hashable {
    let type: TensorType
    let bytes: [UInt8]

    init(_ data: TensorData) {
      type = data.type
      let step = max(1, data.bytes.count / 64)
      bytes = stride(from: 0, to: data.bytes.count, by: step).prefix(64).map { data.bytes[$0] }
    }
  }

  private struct Key: Hashable {
    let op: Op
    let inputs: [String]
    let attributes: [String: AttributeValue]
  }

  public func run(_ graph: inout Graph, context: inout PassContext) throws -> Bool {
    var editor = try GraphEditor(graph)
    var merged = 0
    // Weights are bucketed by type and a sample of their bytes, and compared in full only
    // within a bucket, so distinct large weights are never hashed or compared byte by byte.
    var buckets: [WeightSample: [String]] = [:]
    for name in editor.weights.keys.sorted() {
      let data = editor.weights[name]!
      let sample = WeightSample(data)
      guard let first = buckets[sample]?.first(where: { editor.weights[$0]!.bytes == data.bytes }) else {
        buckets[sample, default: []].append(name)
        continue
      }
      guard editor.canReplaceAllUses(of: name, with: first) else { continue }
      editor.replaceAllUses(of: name, with: first)
      editor.removeWeight(name)
      merged += 1
    }
    var firstNode: [Key: String] = [:]
    for id in editor.nodeIDs {
      let node = editor[id]
      let output = node.outputs[0]
      let key = Key(op: node.op, inputs: node.inputs, attributes: node.attributes)
      guard let first = firstNode[key] else {
        firstNode[key] = output
        continue
      }
      guard editor.canReplaceAllUses(of: output, with: first) else { continue }
      editor.replaceAllUses(of: output, with: first)
      // A graph output keeps its name: the first node now writes `output`.
      if editor.isGraphOutput(output) { firstNode[key] = output }
      editor.remove(id)
      merged += 1
    }
    guard merged > 0 else { return false }
    context.count("merged", by: merged)
    graph = editor.graph
    return true
  }
}
