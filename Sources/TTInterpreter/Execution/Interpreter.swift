import Foundation
import TTIR

/// Runs a ``TTIR/Graph`` node by node with the shared TTKernels.
///
/// ```swift
/// let interpreter = try Interpreter(graph: try ModelFile.load(from: url))
/// let outputs = try interpreter.run(["x": InterpreterTensor(pixels, shape: [1, 64])])
/// let profile = try interpreter.profile(["x": ...])   // per-node wall time, FLOPs, bytes
/// ```
///
/// Floating-point ops compute in `f32` (`f16` values are widened on read and rounded on write);
/// integer tensors are accepted where an op needs them: `gather` indices, `argmax` results,
/// `cast`, `dequantize_linear`, and the shape-only ops `reshape` and `flatten`.
///
/// Shapes are static: every input must have exactly the declared type (batch size included);
/// to run another batch size, interpret the graph after the `specialize-batch` pass (TTPasses).
/// Each intermediate buffer is released right after its last reader, so peak memory matches
/// ``TTIR/GraphAnalysis/peakIntermediateBytes``. An interpreter is immutable and may run
/// concurrently from several tasks.
public final class Interpreter: Sendable {
  /// The graph being run.
  public let graph: Graph
  private let plan: ExecutionPlan
  /// Output buffers of earlier nodes and runs, reused (see ``BufferPool``).
  private let buffers: BufferPool

  /// The most bytes of intermediates the interpreter allocates at once.
  public let memoryLimit: Int

  /// The default ``memoryLimit``: the machine's physical memory.
  public static var physicalMemory: Int { Int(clamping: ProcessInfo.processInfo.physicalMemory) }

  /// Verifies `graph` and prepares it for execution (weights are decoded once here).
  ///
  /// - Parameter memoryLimit: the most bytes of intermediates live at once (default: the
  ///   physical memory); a graph that needs more is refused here rather than killed by the
  ///   system halfway through a run.
  /// - Throws: ``InterpreterError`` if the graph does not verify, if a node uses a dtype the
  ///   interpreter does not compute (e.g. `add` on `i64`), or if its intermediates need more
  ///   than `memoryLimit` bytes at once (naming the first node where they do).
  public init(graph: Graph, memoryLimit: Int = Interpreter.physicalMemory) throws(InterpreterError) {
    do {
      try graph.verify()
      plan = try ExecutionPlan(graph)
    } catch {
      throw InterpreterError(error)
    }
    self.graph = graph
    self.memoryLimit = memoryLimit
    buffers = BufferPool(capacity: plan.allocatedBytes / MemoryLayout<Float>.stride)
    for step in plan.steps { try Kernels.checkSupport(step) }
    if let index = plan.liveBytes.firstIndex(where: { $0 > memoryLimit }) {
      let limit = memoryLimit == Self.physicalMemory ? "the physical memory" : "the memory limit"
      throw InterpreterError(
        node: plan.steps[index].node,
        "needs \(plan.liveBytes[index]) bytes of intermediates at once (its output: "
          + "\(plan.steps[index].outputType.byteCount)), more than \(limit) of \(memoryLimit) bytes")
    }
  }

  /// Runs the graph.
  ///
  /// - Parameter inputs: one tensor per graph input, by name, of exactly the declared type.
  /// - Returns: the graph outputs by name.
  /// - Throws: ``InterpreterError`` naming the input for a missing, unknown or mistyped input,
  ///   or naming the node for a runtime failure (e.g. an out-of-range `gather` index).
  public func run(_ inputs: [String: InterpreterTensor]) throws(InterpreterError)
    -> [String: InterpreterTensor]
  {
    try execute(inputs, timed: false).outputs
  }

  /// Runs the graph once, timing every node.
  ///
  /// - Throws: as ``run(_:)``.
  public func profile(_ inputs: [String: InterpreterTensor]) throws(InterpreterError)
    -> InterpreterProfile
  {
    try execute(inputs, timed: true)
  }

  /// Checks that `inputs` has exactly the graph inputs, with their declared types.
  ///
  /// - Throws: ``InterpreterError`` naming the first offending input.
  public func validate(_ inputs: [String: InterpreterTensor]) throws(InterpreterError) {
    let declared = graph.inputs.map(\.name)
    for name in inputs.keys.sorted() where !declared.contains(name) {
      throw InterpreterError(
        input: name,
        "the graph has no such input (its inputs: \(declared.joined(separator: ", ")))")
    }
    for info in graph.inputs {
      guard let value = inputs[info.name] else {
        throw InterpreterError(input: info.name, "missing (expected \(info.type))")
      }
      guard value.type == info.type else {
        throw InterpreterError(input: info.name, "expected \(info.type), got \(value.type)")
      }
    }
  }

  private func execute(_ inputs: [String: InterpreterTensor], timed: Bool) throws(InterpreterError)
    -> InterpreterProfile
  {
    try validate(inputs)
    var slots = [InterpreterTensor?](repeating: nil, count: plan.slotCount)
    for (slot, value) in plan.constants { slots[slot] = value }
    for (info, slot) in zip(graph.inputs, plan.inputSlots) { slots[slot] = inputs[info.name] }

    let clock = ContinuousClock()
    let runStart = clock.now
    var timings: [NodeTiming] = []
    if timed { timings.reserveCapacity(plan.steps.count) }
    var (liveBuffers, liveBytes, peakBuffers, peakBytes) = (0, 0, 0, 0)

    for (index, step) in plan.steps.enumerated() {
      let arguments = step.inputs.map { slots[$0]! }
      let start = timed ? clock.now : runStart
      let result = try BufferPool.$current.withValue(buffers) {
        Result { () throws(InterpreterError) in try Kernels.evaluate(step, arguments) }
      }.get()
      if timed {
        let end = clock.now
        timings.append(
          NodeTiming(
            index: index, name: step.node.name, op: step.node.op, outputType: step.outputType,
            start: (start - runStart).seconds, duration: (end - start).seconds,
            flops: step.cost.flops, bytesRead: step.cost.bytesRead,
            bytesWritten: step.cost.bytesWritten))
      }
      slots[step.output] = result
      liveBuffers += 1
      liveBytes += step.outputType.byteCount
      peakBuffers = max(peakBuffers, liveBuffers)
      peakBytes = max(peakBytes, liveBytes)
      for slot in step.recycles {
        if case .f32(let values) = slots[slot]?.storage { buffers.give(values) }
      }
      for slot in step.releases { slots[slot] = nil }
      liveBuffers -= step.releasedIntermediates.buffers
      liveBytes -= step.releasedIntermediates.bytes
    }
    var outputs: [String: InterpreterTensor] = [:]
    for (info, slot) in zip(graph.outputs, plan.outputSlots) { outputs[info.name] = slots[slot]! }
    return InterpreterProfile(
      outputs: outputs, nodes: timings, duration: (clock.now - runStart).seconds,
      peakLiveBuffers: peakBuffers, peakLiveBytes: peakBytes)
  }
}

extension Duration {
  /// The duration in seconds.
  var seconds: Double {
    let (whole, fraction) = components
    return Double(whole) + Double(fraction) * 1e-18
  }
}
