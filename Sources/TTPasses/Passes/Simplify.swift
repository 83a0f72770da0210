import TTIR

/// Algebraic identities that change no value: `x·1`, `1·x`, `x+0`, `0+x`, `x−0`, `x/1`, `x^1`,
/// `−(−x)`, identity transposes, reshapes, flattens, slices, casts and one-input concats become
/// `x`; a transpose of a transpose becomes one transpose, a reshape of a reshape one reshape.
///
/// Rules run through a ``PatternRewriter`` (hit counts per rule in the statistics). A rule only
/// forwards `x` when it has exactly the node's type, so a broadcasting `x·1` that widens `x`
/// stays. Reshapes keep their batch-copying `0`s where the inner reshape had them, so the graph
/// can still be re-specialized to another batch size.
public struct Simplify: Pass {
  public static let name = "simplify"
  public static let purpose =
    "Removes identities (x·1, x+0, double transposes, reshapes of reshapes, identity slices/casts)."

  /// The pass.
  public init() {}

  public func run(_ graph: inout Graph, context: inout PassContext) throws -> Bool {
    var editor = try GraphEditor(graph)
    guard try PatternRewriter(Self.rules).apply(to: &editor, context: &context) else { return false }
    graph = editor.graph
    return true
  }

  static let rules: [RewriteRule] = [
    RewriteRule("mul-by-one", root: .mul) { id, editor in
      neutral(id, &editor, 1, commutative: true)
    },
    RewriteRule("add-zero", root: .add) { id, editor in neutral(id, &editor, 0, commutative: true) },
    RewriteRule("sub-zero", root: .sub) { id, editor in neutral(id, &editor, 0, commutative: false) },
    RewriteRule("div-by-one", root: .div) { id, editor in neutral(id, &editor, 1, commutative: false) },
    RewriteRule("pow-one", root: .pow) { id, editor in neutral(id, &editor, 1, commutative: false) },
    RewriteRule("double-negation", root: .neg) { id, editor in
      guard let inner = producer(of: editor[id].inputs[0], op: .neg, in: editor) else { return false }
      return forward(id, to: editor[inner].inputs[0], &editor)
    },
    RewriteRule("identity-transpose", root: .transpose) { id, editor in
      let perm = editor[id].ints("perm") ?? []
      return perm == Array(perm.indices) && forward(id, to: editor[id].inputs[0], &editor)
    },
    RewriteRule("transpose-of-transpose", root: .transpose) { id, editor in
      let node = editor[id]
      guard let inner = producer(of: node.inputs[0], op: .transpose, in: editor),
        let outer = node.ints("perm"), let first = editor[inner].ints("perm"), outer.count == first.count
      else { return false }
      let rank = outer.count
      let combined = outer.map { first[($0 + rank) % rank] }
      return replace(id, input: editor[inner].inputs[0], attributes: ["perm": .ints(combined)], &editor)
    },
    RewriteRule("reshape-of-reshape", root: .reshape) { id, editor in
      let node = editor[id]
      guard let inner = producer(of: node.inputs[0], op: .reshape, in: editor),
        let outer = node.ints("shape"), let first = editor[inner].ints("shape"),
        let middle = editor.type(of: node.inputs[0])?.shape
      else { return false }
      var shape = outer
      for (index, dimension) in outer.enumerated() where dimension == 0 {
        // `0` copies the inner output's dimension: the inner `0` (a copy of x's) carries over.
        shape[index] = index < first.count && first[index] == 0 ? 0 : middle[index]
      }
      return replace(id, input: editor[inner].inputs[0], attributes: ["shape": .ints(shape)], &editor)
    },
    RewriteRule("identity-reshape", root: .reshape) { id, editor in
      forward(id, to: editor[id].inputs[0], &editor)
    },
    RewriteRule("identity-flatten", root: .flatten) { id, editor in
      forward(id, to: editor[id].inputs[0], &editor)
    },
    RewriteRule("identity-slice", root: .slice) { id, editor in
      let steps = editor[id].ints("steps") ?? []
      return steps.allSatisfy { $0 == 1 } && forward(id, to: editor[id].inputs[0], &editor)
    },
    RewriteRule("identity-cast", root: .cast) { id, editor in forward(id, to: editor[id].inputs[0], &editor)
    },
    RewriteRule("single-concat", root: .concat) { id, editor in
      editor[id].inputs.count == 1 && forward(id, to: editor[id].inputs[0], &editor)
    },
  ]

  /// `x ∘ c → x` when one operand is the scalar constant `c` (the second; either one when
  /// `commutative`).
  private static func neutral(_ id: NodeID, _ editor: inout GraphEditor, _ constant: Float, commutative: Bool)
    -> Bool
  {
    let inputs = editor[id].inputs
    if editor.isScalarConstant(inputs[1], equalTo: constant), forward(id, to: inputs[0], &editor) {
      return true
    }
    return commutative && editor.isScalarConstant(inputs[0], equalTo: constant)
      && forward(id, to: inputs[1], &editor)
  }

  /// Makes the readers of node `id`'s output read `value`, when it has the same type.
  private static func forward(_ id: NodeID, to value: String, _ editor: inout GraphEditor) -> Bool {
    let output = editor[id].outputs[0]
    guard editor.type(of: value) == editor.type(of: output), editor.canReplaceAllUses(of: output, with: value)
    else { return false }
    return editor.replaceAllUses(of: output, with: value)
  }

  /// Node `id` reading `input` with `attributes` instead, when that gives the same output type.
  private static func replace(
    _ id: NodeID, input: String, attributes: [String: AttributeValue], _ editor: inout GraphEditor
  ) -> Bool {
    let node = editor[id]
    let candidate = Node(
      name: node.name, op: node.op, inputs: [input], outputs: node.outputs, attributes: attributes)
    guard let inputType = editor.type(of: input),
      (try? ShapeInference.outputTypes(of: candidate, inputTypes: [inputType]))?.first
        == editor.type(of: node.outputs[0])
    else { return false }
    editor.setInputs(of: id, to: [input])
    editor.setAttributes(of: id, to: attributes)
    return true
  }

  private static func producer(of value: String, op: Op, in editor: GraphEditor) -> NodeID? {
    editor.producer(of: value).flatMap { editor[$0].op == op ? $0 : nil }
  }
}
