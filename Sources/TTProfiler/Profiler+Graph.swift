import Foundation
import TTCodegen
import TTIR
import TTInterpreter
import TTLoader

extension Profiler {
  /// Profiles `interpreter` on `inputs`: ``warmup`` untimed runs, then ``runs`` runs timing every
  /// node. Memory is the interpreter's own count of the node outputs it holds at once.
  ///
  /// - Throws: ``ProfileError`` naming the node that threw.
  public func profile(_ interpreter: Interpreter, inputs: [String: InterpreterTensor]) throws(ProfileError)
    -> Profile
  {
    let graph = interpreter.graph
    var runs: [InterpreterProfile] = []
    do {
      for _ in 0..<warmup { _ = try interpreter.run(inputs) }
      for _ in 0..<self.runs { runs.append(try interpreter.profile(inputs)) }
    } catch {
      throw ProfileError(
        engine: .interpreter, location: error.nodeName, kind: error.op?.rawValue,
        error.nodeName == nil ? error.description : error.message)
    }
    var nodes = try Profiler.nodes(of: graph, engine: .interpreter)
    for index in nodes.indices {
      nodes[index].starts = runs.map { $0.nodes[index].start }
      nodes[index].durations = runs.map { $0.nodes[index].duration }
    }
    let memory = MemoryPeak(
      bytes: runs.map(\.peakLiveBytes).max() ?? 0, buffers: runs.map(\.peakLiveBuffers).max() ?? 0,
      source: .measuredAllocations)
    return try Profiler.graphProfile(
      graph, engine: .interpreter, nodes: nodes, runDurations: runs.map(\.duration), warmup: warmup,
      memory: memory)
  }

  /// Profiles the compiled library `model` of `graph` (the graph it was compiled from, after its
  /// passes) on `inputs` (in the graph's input order): ``warmup`` untimed runs, then ``runs`` runs
  /// in which the library's observer hook stamps every node's finish (``TTLoader/NodeClock``).
  /// Memory is the library's arena as planned at compile time (its workspace).
  ///
  /// - Throws: ``ProfileError`` when `model` was not compiled from `graph`, or naming the node
  ///   that failed.
  public func profile(_ model: CompiledModel, graph: Graph, inputs: [TensorData]) throws(ProfileError)
    -> Profile
  {
    guard model.graphHash == graph.contentHash, model.nodeCount == graph.nodes.count else {
      throw ProfileError(engine: .compiled, "\(model.path) was not compiled from graph '\(graph.name)'")
    }
    let session = model.makeSession()
    let clock = NodeClock(nodeCount: model.nodeCount)
    var runDurations: [Double] = []
    var nodes = try Profiler.nodes(of: graph, engine: .compiled)
    do {
      for _ in 0..<warmup { _ = try session.run(inputs) }
      for _ in 0..<runs {
        let start = monotonicSeconds()
        _ = try session.run(inputs, clock: clock)
        runDurations.append(monotonicSeconds() - start)
        for index in nodes.indices {
          nodes[index].starts.append(clock.finish(ofNode: index - 1) ?? 0)
          nodes[index].durations.append(clock.duration(ofNode: index) ?? 0)
        }
      }
    } catch {
      let failed = clock.unfinishedNode.map { graph.nodes[$0] }
      throw ProfileError(engine: .compiled, location: failed?.name, kind: failed?.op.rawValue, "\(error)")
    }
    return try Profiler.graphProfile(
      graph, engine: .compiled, nodes: nodes, runDurations: runDurations, warmup: warmup,
      memory: MemoryPeak(bytes: model.workspaceBytes, source: .arenaPlan))
  }

  /// One untimed entry per node of `graph` with its costs from ``TTIR/GraphAnalysis``.
  static func nodes(of graph: Graph, engine: Engine) throws(ProfileError) -> [ProfiledNode] {
    let analysis = try analyze(graph, engine: engine)
    return zip(graph.nodes, analysis.nodes).map { node, cost in
      ProfiledNode(
        name: node.name, kind: node.op.rawValue, output: "\(cost.outputType)",
        parameterCount: node.inputs.reduce(0) { $0 + (graph.weights[$1]?.type.elementCount ?? 0) },
        flops: cost.flops, bytesRead: cost.bytesRead, bytesWritten: cost.bytesWritten)
    }
  }

  static func analyze(_ graph: Graph, engine: Engine) throws(ProfileError) -> GraphAnalysis {
    do {
      return try GraphAnalysis(graph)
    } catch {
      throw ProfileError(engine: engine, location: error.nodeName, kind: error.op?.rawValue, error.message)
    }
  }

  static func graphProfile(
    _ graph: Graph, engine: Engine, nodes: [ProfiledNode], runDurations: [Double], warmup: Int,
    memory: MemoryPeak
  ) throws(ProfileError) -> Profile {
    let analysis = try analyze(graph, engine: engine)
    return Profile(
      engine: engine, model: graph.name, nodes: nodes, runDurations: runDurations, warmup: warmup,
      parameterCount: analysis.parameterCount, parameterBytes: analysis.parameterBytes,
      totalFLOPs: analysis.totalFLOPs, memory: memory)
  }
}
