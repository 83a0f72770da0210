/// Where a value comes from.
public enum ValueKind: Hashable, Sendable {
  /// A graph input.
  case input
  /// A weight (constant).
  case weight
  /// The output of the node at this index.
  case nodeOutput(Int)
}

extension Graph {
  /// Where `value` is defined, or `nil` if nothing defines it.
  public func kind(of value: String) -> ValueKind? {
    if inputs.contains(where: { $0.name == value }) { return .input }
    if weights[value] != nil { return .weight }
    return producerIndex(of: value).map(ValueKind.nodeOutput)
  }

  /// The node called `name`.
  public func node(named name: String) -> Node? {
    nodes.first { $0.name == name }
  }

  /// The index of the node that writes `value`, or `nil` for inputs, weights and unknown names.
  public func producerIndex(of value: String) -> Int? {
    nodes.firstIndex { $0.outputs.contains(value) }
  }

  /// The node that writes `value`, or `nil` for inputs, weights and unknown names.
  public func producer(of value: String) -> Node? {
    producerIndex(of: value).map { nodes[$0] }
  }

  /// The indices of the nodes that read `value`, in graph order (a node reading it twice
  /// is listed once).
  public func consumerIndices(of value: String) -> [Int] {
    nodes.indices.filter { nodes[$0].inputs.contains(value) }
  }

  /// The nodes that read `value`, in graph order.
  public func consumers(of value: String) -> [Node] {
    consumerIndices(of: value).map { nodes[$0] }
  }

  /// For each value read by a node or returned by the graph: the index of the last node that
  /// reads it, or `nodes.count` for graph outputs (live until the end).
  ///
  /// Values that are never read (dead outputs) are absent. A value is live from its producer
  /// through `lastUses()[value]`; after that its buffer can be reused.
  public func lastUses() -> [String: Int] {
    var last: [String: Int] = [:]
    for (index, node) in nodes.enumerated() {
      for input in node.inputs { last[input] = index }
    }
    for output in outputs { last[output.name] = nodes.count }
    return last
  }

  /// For each node output: the index of the node that writes it.
  public func producerIndices() -> [String: Int] {
    var producers: [String: Int] = [:]
    for (index, node) in nodes.enumerated() {
      for output in node.outputs where producers[output] == nil { producers[output] = index }
    }
    return producers
  }
}
