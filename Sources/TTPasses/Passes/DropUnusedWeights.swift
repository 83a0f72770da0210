import TTIR

/// Removes weights that no node reads and no output returns, so they are neither embedded in a
/// compiled library nor counted in its weight bytes.
public struct DropUnusedWeights: Pass {
  public static let name = "drop-unused-weights"
  public static let purpose = "Removes weights that no node reads and no output returns."

  /// The pass.
  public init() {}

  public func run(_ graph: inout Graph, context: inout PassContext) throws -> Bool {
    var editor = try GraphEditor(graph)
    guard editor.removeUnusedWeights() > 0 else { return false }
    graph = editor.graph
    return true
  }
}
