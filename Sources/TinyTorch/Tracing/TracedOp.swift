import Foundation
import TTIR

/// The description of one eager operation as the tracer sees it: an IR op name (as in
/// model.json, e.g. `"matmul"`, `"softmax"`) and its attributes.
public struct TracedOp: Sendable {
  /// The IR op name.
  public var name: String
  /// The op's attributes, named as in model.json.
  public var attributes: [String: TracedAttribute]

  /// An operation named `name` (an IR op name) with `attributes`.
  public init(_ name: String, _ attributes: [String: TracedAttribute] = [:]) {
    self.name = name
    self.attributes = attributes
  }
}

/// An attribute value of a traced operation: the IR's attribute type.
public typealias TracedAttribute = AttributeValue

/// Records the operations of a forward pass while it is active (see ``trace(_:example:name:)``).
///
/// A tracer is installed for one task with `Tracer.$current.withValue(_:operation:)`; operations
/// are appended under a lock, so it may be shared, though traces are normally single-threaded.
public final class Tracer: @unchecked Sendable {
  /// The tracer of the current task, if a trace is being recorded.
  @TaskLocal public static var current: Tracer?

  /// One recorded operation.
  public struct Record {
    /// The operation and its attributes.
    public let op: TracedOp
    /// The tensors it consumed.
    public let inputs: [Tensor]
    /// The tensor it produced.
    public let output: Tensor
    /// The dotted path of the module whose forward pass ran it (`""` at the top level).
    public let scope: String
  }

  private let lock = NSLock()
  private var recorded: [Record] = []
  private var scopes: [String] = []
  private let moduleNames: [ObjectIdentifier: String]

  /// The operations recorded so far, in execution order.
  public var records: [Record] { lock.withLock { recorded } }

  /// Creates a tracer that names module scopes after their paths in `root` (if given).
  public init(root: Module? = nil) {
    var names: [ObjectIdentifier: String] = [:]
    func visit(_ module: Module, _ path: String) {
      if names[ObjectIdentifier(module)] == nil { names[ObjectIdentifier(module)] = path }
      for (name, child) in module.namedChildren() {
        visit(child, path.isEmpty ? name : "\(path).\(name)")
      }
    }
    if let root { visit(root, "") }
    moduleNames = names
  }

  func record(_ op: TracedOp, inputs: [Tensor], output: Tensor) {
    lock.withLock {
      recorded.append(Record(op: op, inputs: inputs, output: output, scope: scopes.last ?? ""))
    }
  }

  /// Runs `body` with `module`'s path as the current scope.
  func withScope<T>(_ module: Module, _ body: () throws -> T) rethrows -> T {
    guard let name = moduleNames[ObjectIdentifier(module)], !name.isEmpty else { return try body() }
    lock.withLock { scopes.append(name) }
    defer { lock.withLock { _ = scopes.popLast() } }
    return try body()
  }
}
