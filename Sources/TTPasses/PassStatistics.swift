import TTIR

/// What one pass did, recorded by ``PassManager``.
public struct PassStatistics: Sendable, Hashable {
  /// The pass's name.
  public var name: String
  /// The pass's label (`name` or `name(options)`).
  public var pass: String
  /// Whether the pass changed the graph.
  public var changed: Bool
  /// Nodes before and after.
  public var nodesBefore: Int
  /// Nodes after the pass.
  public var nodesAfter: Int
  /// Nodes merged into others (fusion).
  public var nodesFused: Int
  /// Bytes of all weights before the pass.
  public var weightBytesBefore: Int
  /// Bytes of all weights after the pass.
  public var weightBytesAfter: Int
  /// Wall-clock seconds the pass took (verification excluded).
  public var seconds: Double
  /// The pass's named counts, e.g. hits per rewrite rule.
  public var counters: [String: Int]

}
