/// A computation graph: typed inputs, weights, nodes in topological order, typed outputs.
///
/// This is the IR every compiler stage shares. Types of intermediate values are not stored;
/// ``ShapeInference`` derives them (``valueTypes()``), and the ``Verifier`` checks the whole
/// graph (``verify()``).
public struct Graph: Hashable, Sendable {
  /// The model name.
  public var name: String
  /// The values the caller provides, in calling order.
  public var inputs: [ValueInfo]
  /// The values the graph returns, in order; each must be defined in the graph.
  public var outputs: [ValueInfo]
  /// The operations, each reading only values defined earlier.
  public var nodes: [Node]
  /// Constant tensors (parameters), by value name.
  public var weights: [String: TensorData]

  /// Creates a graph. Nothing is checked until ``verify()``.
  public init(
    name: String, inputs: [ValueInfo], outputs: [ValueInfo], nodes: [Node],
    weights: [String: TensorData] = [:]
  ) {
    self.name = name
    self.inputs = inputs
    self.outputs = outputs
    self.nodes = nodes
    self.weights = weights
  }

  /// The types of every value: inputs, weights, and node outputs (derived by shape inference).
  ///
  /// - Throws: ``GraphError`` at the first node whose inputs are undefined or whose
  ///   output type cannot be derived.
  public func valueTypes() throws(GraphError) -> [String: TensorType] {
    try ShapeInference.valueTypes(of: self)
  }

  /// Checks the whole graph; see ``Verifier``.
  public func verify() throws(GraphError) {
    try Verifier.verify(self)
  }

  /// The bytes of all weights.
  public var weightBytes: Int { weights.values.reduce(0) { $0 + $1.bytes.count } }
}
