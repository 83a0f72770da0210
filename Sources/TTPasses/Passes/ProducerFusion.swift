import TTIR

/// A fusion pass that merges an elementwise node with the node producing one of its inputs.
///
/// The shared walk: an elementwise node (unary, binary or `fused_elementwise`, all `f32`) looks at
/// each input that nothing else reads and that has the node's output type (so no element is
/// computed twice); ``merge(_:computation:reading:from:rank:in:)`` builds the node that replaces
/// the pair, which then replaces it when it infers the same output type. Rules are indexed by
/// ``TTIR/Op/elementwiseRoots`` and applied to a fixed point, so chains fuse step by step.
protocol ProducerFusion: Pass {
  /// The node computing `computation` (the elementwise node `node`, whose input `value` is
  /// written by `producer`) in one step with `producer`, or nil when `producer` cannot absorb
  /// it. `rank` is the rank of the output; the node's name and output name are given.
  static func merge(
    _ node: Node, computation: ElementwiseProgram, reading value: String, from producer: Node, rank: Int,
    in editor: GraphEditor, names: (node: String, value: String)
  ) -> Node?
}

extension ProducerFusion {
  /// One rule per elementwise root op, named after the pass.
  static var rules: [RewriteRule] {
    Op.elementwiseRoots.map { op in RewriteRule(name, root: op) { id, editor in try fuse(id, &editor) } }
  }

  public func run(_ graph: inout Graph, context: inout PassContext) throws -> Bool {
    try PatternRewriter(Self.rules).fuse(&graph, context: &context)
  }

  /// Merges node `id` with the first producer of its inputs that ``merge`` accepts.
  static func fuse(_ id: NodeID, _ editor: inout GraphEditor) throws -> Bool {
    let node = editor[id]
    guard let computation = node.elementwiseComputation, editor.isFloat32(id) else { return false }
    let outputType = editor.type(of: node.outputs[0])
    for value in node.inputs where editor.isPrivate(value, to: id) && editor.type(of: value) == outputType {
      let producer = editor[editor.producer(of: value)!]
      let names = editor.freshNames(merging: [producer.name, node.name], value: node.outputs[0])
      guard
        let merged = merge(
          node, computation: computation, reading: value, from: producer, rank: outputType?.rank ?? 0,
          in: editor, names: names)
      else { continue }
      if try editor.replace(id, with: merged) { return true }
    }
    return false
  }
}
