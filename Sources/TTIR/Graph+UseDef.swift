/// Where a value comes from.
public enum ValueKind: Hashable, Sendable {
  /// A graph input.
  case input
  /// A weight (constant).
  case weight
  /// The output of this node of a ``GraphEditor``.
  case node(NodeID)
}

extension Graph {
  /// For each value read by a node or returned by the graph: the index of the last node that
  /// reads it, or `nodes.count` for graph outputs (live until the end).
  ///
  /// Values that are never read (dead outputs) are absent. A value is live from its producer
  /// through `lastUses()[value]`; after that its buffer can be reused. For producers and
  /// consumers of values, open the graph in a ``GraphEditor`` (its index is built once).
  public func lastUses() -> [String: Int] {
    var last: [String: Int] = [:]
    for (index, node) in nodes.enumerated() {
      for input in node.inputs { last[input] = index }
    }
    for output in outputs { last[output.name] = nodes.count }
    return last
  }
}
