/// Generated C with a map from line numbers back to the graph nodes that produced them.
public struct GeneratedSource: Sendable, Hashable {
  /// One node's block of lines (1-based, inclusive).
  public struct Block: Sendable, Hashable {
    /// The node name.
    public var node: String
    /// The first and last line of the block.
    public var lines: ClosedRange<Int>
  }

  /// The C text.
  public var text: String
  /// The blocks, in line order.
  public var blocks: [Block]

  /// Creates a source from text and its blocks.
  public init(text: String, blocks: [Block]) {
    self.text = text
    self.blocks = blocks
  }

  /// The node whose block contains `line`, if any.
  public func node(atLine line: Int) -> String? {
    blocks.first { $0.lines.contains(line) }?.node
  }
}
