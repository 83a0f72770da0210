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

  private struct Key: Hashable {
    let op: Op
    let inputs: [String]
    let attributes: [String: AttributeValue]
  }

  public func run(_ graph: inout Graph, context: inout PassContext) throws -> Bool {
    var editor = try GraphEditor(graph)
    var merged = 0
    // Only weights sharing a type can be equal: compare contents within those groups (large
    // weights usually have a type of their own and are never hashed).
    let byType = Dictionary(grouping: editor.weights.keys.sorted()) { editor.weights[$0]!.type }
    var firstWeight: [TensorData: String] = [:]
    for name in byType.values.filter({ $0.count > 1 }).flatMap({ $0 }).sorted() {
      let data = editor.weights[name]!
      guard let first = firstWeight[data] else {
        firstWeight[data] = name
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
