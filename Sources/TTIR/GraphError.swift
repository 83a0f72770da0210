/// A problem found by ``ShapeInference`` or the ``Verifier``.
///
/// The description is one line naming the node and op when there is one, e.g.
/// `node 'fc2' (matmul): inner dimensions 128 and 64 differ`, and the graph otherwise,
/// e.g. `graph 'mlp': output 'y' is not defined`.
public struct GraphError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The node at fault, if the problem belongs to one node.
  public var nodeName: String?
  /// The op of that node.
  public var op: Op?
  /// The graph's name, for graph-level problems.
  public var graphName: String?
  /// What is wrong, without the location prefix.
  public var message: String

  /// An error located at a node.
  public init(node: Node, _ message: String) {
    self.nodeName = node.name
    self.op = node.op
    self.message = message
  }

  /// An error about the graph as a whole.
  public init(graph: String, _ message: String) {
    self.graphName = graph
    self.message = message
  }

  /// One line: location, then the message.
  public var description: String {
    if let nodeName, let op { return "node '\(nodeName)' (\(op)): \(message)" }
    if let graphName { return "graph '\(graphName)': \(message)" }
    return message
  }
}
