import TTIR

/// Marks every `linear` and `matmul` whose right operand is a constant `f32` weight matrix with
/// `pack_weight: true`: an execution hint (docs/IR.md) that lets an engine keep that weight in
/// the layout its GEMM micro-kernel reads, packed once (the compiled library at compile time into
/// its embedded weights, `tt_sgemm_pack_b`), instead of re-reading B in place and re-packing its
/// partial panels on every call. The product is bitwise the unpacked one, so the pass is exact.
public struct PackWeights: Pass {
  public static let name = "pack-weights"
  public static let purpose =
    "Marks linear/matmul with a constant f32 weight matrix pack_weight (the GEMM reads it pre-packed)."

  /// The pass.
  public init() {}

  public func run(_ graph: inout Graph, context: inout PassContext) throws -> Bool {
    var editor = try GraphEditor(graph)
    var changed = false
    for id in editor.nodeIDs where editor[id].op == .linear || editor[id].op == .matmul {
      let node = editor[id]
      guard node.bool("pack_weight") != true, let weight = editor.constant(node.inputs[1]),
        weight.isPackableF32Matrix
      else { continue }
      var attributes = node.attributes
      attributes["pack_weight"] = .bool(true)
      editor.setAttributes(of: id, to: attributes)
      context.count("packed weights")
      changed = true
    }
    guard changed else { return false }
    graph = editor.graph
    return true
  }
}
