/// A `model.json` (or its weights) that cannot be saved or loaded.
///
/// The description is one line naming the file and, where there is one, the node, e.g.
/// `/models/mlp.json: node 'fc2' (matmul): inner dimensions 128 and 64 differ`.
public struct ModelFileError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The path of the `model.json` involved.
  public var path: String
  /// The graph problem, when the file decoded but the graph is invalid.
  public var graphError: GraphError?
  /// What is wrong, without the path prefix.
  public var message: String

  /// Creates an error about the file at `path`.
  public init(path: String, _ message: String) {
    self.path = path
    self.message = message
  }

  /// Creates an error wrapping a verifier or shape-inference error.
  public init(path: String, _ graphError: GraphError) {
    self.path = path
    self.graphError = graphError
    self.message = graphError.description
  }

  /// `<path>: <message>`.
  public var description: String { "\(path): \(message)" }
}
