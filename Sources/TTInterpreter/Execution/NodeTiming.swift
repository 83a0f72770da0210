import TTIR

/// How long one node took in one profiled run, with its static cost.
public struct NodeTiming: Hashable, Sendable {
  /// The node's position in the graph.
  public var index: Int
  /// The node's name.
  public var name: String
  /// The node's op.
  public var op: Op
  /// The node's output type.
  public var outputType: TensorType
  /// When the node started, in seconds since the run started.
  public var start: Double
  /// The node's wall time in seconds.
  public var duration: Double
  /// FLOPs according to ``TTIR/CostModel``.
  public var flops: Int
  /// Bytes of all inputs.
  public var bytesRead: Int
  /// Bytes of the output.
  public var bytesWritten: Int
}

/// The result of ``Interpreter/profile(_:)``: outputs, per-node timings and memory high-water
/// marks.
public struct InterpreterProfile: Sendable {
  /// The graph outputs by name.
  public var outputs: [String: InterpreterTensor]
  /// One entry per node, in execution order.
  public var nodes: [NodeTiming]
  /// The wall time of the whole run in seconds.
  public var duration: Double
  /// The most node-output buffers alive at once (graph inputs and weights excluded).
  public var peakLiveBuffers: Int
  /// The most bytes of node outputs alive at once; equals
  /// ``TTIR/GraphAnalysis/peakIntermediateBytes``, since buffers are freed after their last use.
  public var peakLiveBytes: Int
}
