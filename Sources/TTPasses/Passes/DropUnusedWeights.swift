import TTIR

/// Removes weights that no node reads and no output returns, so they are neither embedded in a
/// compiled library nor counted in its weight bytes.
public struct DropUnusedWeights: Pass {
  public static let name = "drop-unused-weights"
  public static let purpose = "Removes weights that no node reads and no output returns."

  /// The pass.
  public init() {}

  public func run(_ graph: inout Graph, context: inout PassContext) throws -> Bool {
    let used = Set(graph.nodes.flatMap(\.inputs)).union(graph.outputs.map(\.name))
    let unused = graph.weights.keys.filter { !used.contains($0) }
    for name in unused { graph.weights[name] = nil }
    return !unused.isEmpty
  }
}
