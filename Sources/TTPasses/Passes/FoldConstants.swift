import TTIR

/// Replaces every node whose inputs are all weights (constants) by a weight holding its output
/// under the same value name, e.g. transposes and reshapes of weights (so a `matmul` or `linear`
/// reads a transposed weight directly), or a mask computed from constants.
///
/// The values are computed by the ``PassOptions/evaluator`` the caller injects (`ttc` and the
/// tests pass `Interpreter.evaluate`, the interpreter's own kernels), so a folded value is exactly
/// what the interpreter would have computed; TTPasses itself imports only TTIR. Without an
/// evaluator the pass changes nothing. A node whose output would be larger than its inputs
/// together (say, a broadcast of a scalar to a big shape) is left alone, so folding never makes
/// the weights grow by more than it removes. Nodes are visited in order, so chains of constant
/// nodes fold in one run; the weights they no longer need are left to `drop-unused-weights`.
public struct FoldConstants: Pass {
  public static let name = "fold-constants"
  public static let purpose = "Computes nodes whose inputs are all constants once, at compile time."

  /// The pass.
  public init() {}

  public func run(_ graph: inout Graph, context: inout PassContext) throws -> Bool {
    guard let evaluate = context.evaluator else { return false }
    var editor = try GraphEditor(graph)
    var folded = 0
    for id in editor.nodeIDs {
      let node = editor[id]
      let constants = node.inputs.compactMap(editor.constant)
      guard constants.count == node.inputs.count, let output = node.outputs.first,
        let type = editor.type(of: output),
        type.byteCount <= constants.reduce(0, { $0 + $1.bytes.count })
      else { continue }
      let value = try evaluate(node, constants)
      guard value.type == type else {
        throw GraphError(node: node, "the evaluator returned \(value.type) for a \(type) output")
      }
      editor.replaceWithConstant(id, value)
      folded += 1
    }
    guard folded > 0 else { return false }
    context.count("folded", by: folded)
    graph = editor.graph
    return true
  }
}
