/// How an int8 layer reads its weight packed ahead of time by `tt_qpack_grouped`
/// (Runtime/include/tt_qgemm.h): the weight's first dimension (output channels) as rows, the rest
/// flattened as columns, in ``groups`` blocks of rows. Compiled models embed this form in their
/// weights blob; the interpreter packs it once when it plans a graph. The one place that decides
/// which int8 weights are packed, for both engines.
public struct Int8WeightPacking: Sendable, Hashable {
  /// The weight's value name.
  public var weight: String
  /// The blocks of rows packed separately (a grouped convolution's `groups`; 1 for a linear layer).
  public var groups: Int

  /// The packing of `weight` in `groups` blocks of rows.
  public init(weight: String, groups: Int) {
    self.weight = weight
    self.groups = groups
  }

  /// The packed matrix of a weight of `shape`: output channels as rows, the rest as columns.
  public static func matrix(_ shape: [Int]) -> (rows: Int, columns: Int) {
    (shape.first ?? 0, shape.dropFirst().reduce(1, *))
  }
}

extension Node {
  /// The packing of this node's weight (input 1) when it is a `quantized_linear` or
  /// `quantized_conv2d` reading a graph weight of `graph`; nil otherwise.
  public func int8WeightPacking(in graph: Graph) -> Int8WeightPacking? {
    guard op == .quantizedLinear || op == .quantizedConv2d, inputs.count > 1, graph.weights[inputs[1]] != nil
    else { return nil }
    return Int8WeightPacking(weight: inputs[1], groups: op == .quantizedConv2d ? int("groups") ?? 1 : 1)
  }
}
