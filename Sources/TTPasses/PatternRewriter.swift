import TTIR

/// One local rewrite, tried on every node whose op is ``root``.
///
/// The closure looks at the node (and its neighbourhood through the editor) and either rewrites
/// and returns `true`, or leaves everything as it was and returns `false`. It must return
/// `true` only when it changed something, or the rewriter never reaches a fixed point.
///
/// ```swift
/// // x · 1 → x
/// RewriteRule("mul-by-one", root: .mul) { id, editor in
///   let node = editor[id]
///   guard editor.isScalarConstant(node.inputs[1], equalTo: 1),
///     editor.type(of: node.inputs[0]) == editor.type(of: node.outputs[0]) else { return false }
///   return editor.replaceAllUses(of: node.outputs[0], with: node.inputs[0])
/// }
/// ```
public struct RewriteRule: Sendable {
  /// The rule's name, used for its hit count.
  public let name: String
  /// The op of the nodes the rule is tried on.
  public let root: Op
  /// Tries the rule on node `id`.
  public let rewrite: @Sendable (_ id: NodeID, _ editor: inout GraphEditor) throws -> Bool

  /// A rule called `name` tried on `root` nodes.
  public init(
    _ name: String, root: Op,
    rewrite: @escaping @Sendable (_ id: NodeID, _ editor: inout GraphEditor) throws -> Bool
  ) {
    self.name = name
    self.root = root
    self.rewrite = rewrite
  }
}

/// Applies ``RewriteRule``s to a fixed point, in the style of tinygrad's `PatternMatcher`.
///
/// Rules are indexed by their root op, so each node tries only the rules written for its op,
/// in the order given; the first that fires wins. One sweep visits every node in graph order;
/// after a sweep that changed anything, dead nodes are removed and another sweep starts, until a
/// sweep changes nothing. A rule set that keeps firing past ``maxSweeps`` is reported as an
/// error naming the rules still firing. Hit counts go to the pass context, one counter per rule.
public struct PatternRewriter: Sendable {
  /// The rules, by root op.
  public let rules: [Op: [RewriteRule]]
  /// The most sweeps before giving up.
  public let maxSweeps: Int

  /// A rewriter for `rules`.
  public init(_ rules: [RewriteRule], maxSweeps: Int = 32) {
    self.rules = Dictionary(grouping: rules, by: \.root)
    self.maxSweeps = maxSweeps
  }

  /// Rewrites `editor` to a fixed point; returns whether any rule fired.
  ///
  /// - Throws: what a rule throws, or an error when `maxSweeps` sweeps still changed the graph.
  public func apply(to editor: inout GraphEditor, context: inout PassContext) throws -> Bool {
    var changedAny = false
    for _ in 0..<maxSweeps {
      let fired = try sweep(&editor, context: &context)
      guard !fired.isEmpty else { return changedAny }
      changedAny = true
      editor.removeDeadNodes()
    }
    let still = try sweep(&editor, context: &context)
    guard still.isEmpty else {
      throw RewriteError(
        "rewrite rules did not reach a fixed point in \(maxSweeps) sweeps (still firing: "
          + "\(still.sorted().joined(separator: ", ")))")
    }
    return changedAny
  }

  /// One pass over the nodes; returns the names of the rules that fired.
  private func sweep(_ editor: inout GraphEditor, context: inout PassContext) throws -> Set<String> {
    var fired: Set<String> = []
    for id in editor.nodeIDs where editor.contains(id) {
      for rule in rules[editor[id].op] ?? [] where try rule.rewrite(id, &editor) {
        fired.insert(rule.name)
        context.count(rule.name)
        break
      }
    }
    return fired
  }
}

/// A rule set that does not converge.
public struct RewriteError: Error, Sendable, CustomStringConvertible {
  public let description: String
  init(_ description: String) { self.description = description }
}
