import TTIR

/// Removes nodes whose outputs nothing reads (neither a node nor the graph's outputs).
public struct DeadCodeElimination: Pass {
  public static let name = "dce"
  public static let purpose = "Removes nodes whose outputs nothing reads."

  /// The pass.
  public init() {}

  public func run(_ graph: inout Graph, context: inout PassContext) throws -> Bool {
    var editor = try GraphEditor(graph)
    guard editor.removeDeadNodes() > 0 else { return false }
    graph = editor.graph
    return true
  }
}
