import Foundation

/// The description of one eager operation as the tracer sees it: an IR op name (as in
/// model.json, e.g. `"matmul"`, `"softmax"`) and its attributes.
public struct TracedOp: Sendable {
  /// The IR op name.
  public var name: String
  /// The op's attributes, named as in model.json.
  public var attributes: [String: TracedAttribute]

  public init(_ name: String, _ attributes: [String: TracedAttribute] = [:]) {
    self.name = name
    self.attributes = attributes
  }
}

/// An attribute value of a traced operation.
public enum TracedAttribute: Sendable, Equatable {
  case int(Int)
  case float(Double)
  case bool(Bool)
  case string(String)
  case ints([Int])
  case floats([Double])
}

/// Records the operations of a forward pass while it is active (see `trace`).
///
/// A tracer is installed for one task with `Tracer.$current.withValue(_:operation:)`; operations
/// are appended under a lock, so it may be shared, though traces are normally single-threaded.
public final class Tracer: @unchecked Sendable {
  /// The tracer of the current task, if a trace is being recorded.
  @TaskLocal public static var current: Tracer?

  /// One recorded operation.
  public struct Record {
    public let op: TracedOp
    public let inputs: [Tensor]
    public let output: Tensor
  }

  private let lock = NSLock()
  private var recorded: [Record] = []

  /// The operations recorded so far, in execution order.
  public var records: [Record] { lock.withLock { recorded } }

  public init() {}

  func record(_ op: TracedOp, inputs: [Tensor], output: Tensor) {
    lock.withLock { recorded.append(Record(op: op, inputs: inputs, output: output)) }
  }
}
