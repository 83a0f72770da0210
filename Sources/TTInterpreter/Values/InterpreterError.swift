import TTIR

/// A graph the interpreter cannot run, or inputs it cannot run it on.
///
/// The description is one line naming what is at fault: the node and op (`node 'emb' (gather):
/// index 70 is out of range for axis 0 of size 65`), the input (`input 'x': expected f32[1, 64],
/// got f32[2, 64]`), or the graph.
public struct InterpreterError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The node at fault, if the problem belongs to one node.
  public var nodeName: String?
  /// The op of that node.
  public var op: Op?
  /// The graph input at fault, if the problem is an input.
  public var inputName: String?
  /// What is wrong, without the location prefix.
  public var message: String

  /// An error without a location.
  public init(_ message: String) {
    self.message = message
  }

  /// An error located at a node.
  public init(node: Node, _ message: String) {
    self.nodeName = node.name
    self.op = node.op
    self.message = message
  }

  /// An error about a graph input.
  public init(input: String, _ message: String) {
    self.inputName = input
    self.message = message
  }

  /// A verifier or shape-inference error: located at its node when it has one, else keeping
  /// the graph prefix in the message.
  public init(_ error: GraphError) {
    self.nodeName = error.nodeName
    self.op = error.op
    self.message = error.nodeName == nil ? error.description : error.message
  }

  /// One line: location, then the message.
  public var description: String {
    if let nodeName, let op { return "node '\(nodeName)' (\(op)): \(message)" }
    if let inputName { return "input '\(inputName)': \(message)" }
    return message
  }
}
