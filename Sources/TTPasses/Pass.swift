import TTIR

/// One graph rewrite: a small named unit with a declared purpose (TVM's `PassInfo`, MLIR's pass).
///
/// A pass rewrites the graph in place and says whether it changed it. Options are the pass's own
/// stored properties (typed), summarized by ``options`` for the compile-cache key and reports.
/// Timing, verification and printing are kept outside the pass, in ``PassManager`` and its
/// ``PassInstrument``s. To write one, see docs/PASSES.md:
///
/// ```swift
/// public struct DeadCodeElimination: Pass {
///   public static let name = "dce"
///   public static let purpose = "Removes nodes whose outputs nothing reads."
///   public init() {}
///   public func run(_ graph: inout Graph, context: inout PassContext) throws -> Bool {
///     var editor = try GraphEditor(graph)
///     guard editor.removeDeadNodes() > 0 else { return false }
///     graph = editor.graph
///     return true
///   }
/// }
/// ```
public protocol Pass: Sendable {
  /// The name used in pipelines and on the command line (`--passes dce,cse`), kebab-case.
  static var name: String { get }
  /// One line saying what the pass does (listed by `ttc passes`).
  static var purpose: String { get }
  /// The pass's options as `key=value` pairs joined by commas, or "" when it has none; part of
  /// the compile-cache key.
  var options: String { get }
  /// Rewrites `graph` in place; returns whether anything changed.
  ///
  /// The graph given is verified. A pass that returns `true` must leave a graph the
  /// ``TTIR/Verifier`` accepts (the manager checks, and names the pass when it does not).
  /// Record what was done in `context` (fused nodes, rule hits).
  func run(_ graph: inout Graph, context: inout PassContext) throws -> Bool
}

extension Pass {
  /// The pass's name.
  public var name: String { Self.name }
  /// The pass's purpose.
  public var purpose: String { Self.purpose }
  /// No options.
  public var options: String { "" }
  /// `name` or `name(options)`, as printed in reports and the cache key.
  public var label: String { options.isEmpty ? name : "\(name)(\(options))" }
}

/// What a pass records while it runs; the manager copies it into the pass's
/// ``PassStatistics``.
public struct PassContext: Sendable {
  /// Nodes removed by being merged into another node (fusion), for the statistics.
  public var nodesFused = 0
  /// Named counts, e.g. how often each rewrite rule fired.
  public var counters: [String: Int] = [:]
  /// Evaluates one node on constant inputs, when the caller provides an evaluator (see
  /// ``PassOptions/evaluator``).
  public var evaluator: ConstantEvaluator?

  /// A context for one pass run.
  public init(evaluator: ConstantEvaluator? = nil) {
    self.evaluator = evaluator
  }

  /// Adds `amount` to the counter `name`.
  public mutating func count(_ name: String, by amount: Int = 1) {
    counters[name, default: 0] += amount
  }
}

/// Computes a node's output from constant inputs: the same kernels the interpreter runs, injected
/// by the caller (TTPasses imports only TTIR). `ttc` passes `Interpreter.evaluate(_:inputs:)`.
public typealias ConstantEvaluator = @Sendable (_ node: Node, _ inputs: [TensorData]) throws -> TensorData
