import TTIR
import TinyTorch

/// The costs of an eager model's module calls, from the one cost model applied to a trace of the
/// model (nodes are named `module.path/op`, so each node belongs to the module that ran it).
struct EagerCosts {
  /// FLOPs of one forward pass (0 when the model could not be traced).
  private(set) var forwardFLOPs = 0
  /// FLOPs of the backward pass with the model's parameters trainable.
  private(set) var backwardFLOPs = 0
  /// Why costs are missing, if they are.
  private(set) var notes: [String] = []
  /// Per module path: FLOPs, bytes read and written of every node it ran, submodules' included.
  private var totals: [String: (flops: Int, read: Int, written: Int)] = [:]
  /// Parameters per module (its submodules' included), by object.
  private var parameters: [ObjectIdentifier: Int] = [:]

  /// Traces `model` on `example` (in evaluation mode) and analyzes the graph.
  init(_ model: Module, example: Tensor, name: String) {
    for module in model.modules() { parameters[ObjectIdentifier(module)] = module.parameterCount }
    let graph: Graph
    let analysis: GraphAnalysis
    do {
      graph = try trace(model, example: example, name: name)
      analysis = try GraphAnalysis(graph)
      let trainable = Set(model.namedParameters().map(\.0))
      backwardFLOPs = try GraphAnalysis.backwardFLOPs(of: graph, trainable: trainable)
    } catch {
      notes.append("FLOPs and bytes are not counted: the model could not be traced (\(error))")
      return
    }
    forwardFLOPs = analysis.totalFLOPs
    for cost in analysis.nodes {
      let path = cost.name.firstIndex(of: "/").map { String(cost.name[..<$0]) } ?? ""
      for ancestor in EagerCosts.ancestors(of: path) {
        let old = totals[ancestor] ?? (0, 0, 0)
        totals[ancestor] = (
          old.flops.addingReportingOverflow(cost.flops).overflow ? .max : old.flops + cost.flops,
          old.read + cost.bytesRead, old.written + cost.bytesWritten
        )
      }
    }
  }

  /// FLOPs of a training step: forward plus backward (saturating).
  var trainingFLOPs: Int {
    let (sum, overflow) = forwardFLOPs.addingReportingOverflow(backwardFLOPs)
    return overflow ? .max : sum
  }

  /// `path` and every module path above it, the root `""` last: `a.b` → `a.b`, `a`, ``.
  static func ancestors(of path: String) -> [String] {
    var result: [String] = []
    var current = Substring(path)
    while !current.isEmpty {
      result.append(String(current))
      current = current.lastIndex(of: ".").map { current[..<$0] } ?? ""
    }
    return result + [""]
  }

  /// One profiled entry per recorded call; a module called k times per run gets 1/k of its costs
  /// on each call.
  func nodes(for calls: [ModuleCallRecorder.Call]) -> [ProfiledNode] {
    var callsPerPath: [String: Int] = [:]
    for call in calls { callsPerPath[call.path, default: 0] += 1 }
    return calls.map { call in
      let total = totals[call.path] ?? (0, 0, 0)
      let share = max(callsPerPath[call.path] ?? 1, 1)
      return ProfiledNode(
        name: call.path.isEmpty ? "(model)" : call.path, kind: call.kind,
        output: "f32\(call.output)", parameterCount: parameters[ObjectIdentifier(call.module)] ?? 0,
        flops: total.flops / share, bytesRead: total.read / share, bytesWritten: total.written / share,
        starts: call.starts, durations: call.durations)
    }
  }
}
