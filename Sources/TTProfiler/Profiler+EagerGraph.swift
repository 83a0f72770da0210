import TTIR
import TinyTorch

extension Profiler {
  /// Profiles `graph` in eager mode: every node runs as a module call of the eager op of the same
  /// name (``TinyTorch/EagerGraph``), so a model file can be profiled in all three engines
  /// (`ttc profile --engine eager`). Costs are the graph's (the one cost model, as for the other
  /// engines); memory is measured from tensor allocations (``TinyTorch/TensorAllocationCounter``);
  /// inputs and weights are made before the runs and not counted.
  ///
  /// - Throws: ``ProfileError`` naming a node whose op eager mode lacks, or the node that threw.
  public func profileEager(_ graph: Graph, inputs: [String: TensorData]) throws(ProfileError) -> Profile {
    let eager: EagerGraph
    var tensors: [String: Tensor] = [:]
    do {
      eager = try EagerGraph(graph)
      for (name, data) in inputs {
        tensors[name] = try Tensor(shape: data.type.shape, scalars: data.floats())
      }
    } catch {
      throw ProfileError(engine: .eager, "\(error)")
    }
    let recorder = ModuleCallRecorder(
      root: eager, names: eager.nodes.map { (module: $0, name: $0.node.name, kind: $0.node.op.rawValue) })
    var runDurations: [Double] = []
    var memory = MemoryPeak(bytes: 0, source: .measuredAllocations)
    try eagerRun(recorder: recorder, unit: .node) {
      try withNoGrad {
        for _ in 0..<warmup { _ = try eager.run(tensors) }
        for _ in 0..<runs {
          let counter = TensorAllocationCounter()
          recorder.beginRun()
          let start = monotonicSeconds()
          _ = try counter.withCounting { try eager.run(tensors) }
          runDurations.append(monotonicSeconds() - start)
          memory.record(counter)
        }
      }
    }
    var nodes = try Profiler.nodes(of: graph, engine: .eager)
    let positions = Dictionary(
      eager.nodes.enumerated().map { (ObjectIdentifier($1), $0) }, uniquingKeysWith: { first, _ in first })
    for call in recorder.calls {
      guard let index = positions[ObjectIdentifier(call.module)] else { continue }
      nodes[index].starts = call.starts
      nodes[index].durations = call.durations
    }
    return try Profiler.graphProfile(
      graph, engine: .eager, nodes: nodes, runDurations: runDurations, warmup: warmup, memory: memory)
  }
}
