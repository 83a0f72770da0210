import ArgumentParser
import Foundation
import TTIR

/// `ttc inspect`: what a model takes and returns, what it is made of, and what it costs.
struct InspectCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "inspect",
    abstract: "Show a model's inputs, outputs, ops, parameters, FLOPs and peak memory.",
    discussion: """
      Loads and verifies the model (graph and weights), then prints aligned tables: \
      inputs and outputs; node count and FLOPs by op; every node with its output type, \
      FLOPs (multiply-add = 2), bytes moved and the intermediates live at that step; and \
      totals: parameters, FLOPs, and the peak memory of intermediates when each is freed \
      after its last use. With -O1/-O2 or --passes the model is shown after those graph passes
      (default: as written, -O0).

      Examples:
        ttc inspect mlp.json
        ttc inspect gpt.json --no-nodes     # summary tables only
        ttc inspect gpt.json -O2            # after the default pipeline of ttc compile
        ttc inspect gpt.json --passes dce --print-after dce
      """)

  @Argument(help: "The model file (model.json).")
  var model: String

  @Flag(name: .customLong("no-nodes"), help: "Omit the per-node table.")
  var hideNodes = false

  @OptionGroup(title: "Graph passes") var passes: PassFlags

  @OptionGroup var modelFile: ModelFileFlags

  func run() throws {
    try reportingErrors {
      let graph = try LoadedModel(
        path: model, modelFile: modelFile, batch: nil, passes: passes, defaultLevel: .O0
      ).graph
      let analysis: GraphAnalysis
      do {
        analysis = try graph.analysis()
      } catch {
        throw CommandFailure("\(model): \(error)")
      }
      print(report(graph, analysis), terminator: "")
    }
  }

  private func report(_ graph: Graph, _ analysis: GraphAnalysis) -> String {
    var text = "model '\(graph.name)' (\(model))\n\n"
    var values = TextTable([("value", .left), ("kind", .left), ("dtype", .left), ("shape", .left)])
    for input in graph.inputs {
      values.append([input.name, "input", "\(input.type.dtype)", "\(input.type.shape)"])
    }
    for output in graph.outputs {
      values.append([output.name, "output", "\(output.type.dtype)", "\(output.type.shape)"])
    }
    text += values.rendered + "\n"

    var byOp = TextTable([("op", .left), ("nodes", .right), ("FLOPs", .right), ("share", .right)])
    let ops = Dictionary(grouping: analysis.nodes, by: \.op)
    // Most frequent first, then by name.
    for op in ops.keys.sorted(by: { (ops[$0]!.count, $1.rawValue) > (ops[$1]!.count, $0.rawValue) }) {
      let flops = ops[op]!.reduce(0) { $0 + $1.flops }
      let share = analysis.totalFLOPs > 0 ? Double(flops) / Double(analysis.totalFLOPs) : 0
      byOp.append([op.rawValue, "\(ops[op]!.count)", "\(flops)", Format.percent(share)])
    }
    text += byOp.rendered + "\n"

    if !hideNodes {
      var nodes = TextTable([
        ("#", .right), ("node", .left), ("op", .left), ("output", .left), ("FLOPs", .right),
        ("read", .right), ("written", .right), ("live", .right),
      ])
      for (index, cost) in analysis.nodes.enumerated() {
        nodes.append([
          "\(index)", cost.name, cost.op.rawValue, "\(cost.outputType)", "\(cost.flops)",
          Format.bytes(cost.bytesRead), Format.bytes(cost.bytesWritten),
          Format.bytes(analysis.liveBytes[index]),
        ])
      }
      text += nodes.rendered + "\n"
    }

    let peakAt = analysis.peakNodeIndex.map { " at node '\(graph.nodes[$0].name)'" } ?? ""
    var totals = TextTable([("total", .left), ("value", .right), ("", .left)])
    totals.append(["nodes", "\(graph.nodes.count)", ""])
    totals.append([
      "parameters", "\(analysis.parameterCount)", Format.scaled(Double(analysis.parameterCount)),
    ])
    totals.append(["parameter bytes", "\(analysis.parameterBytes)", Format.bytes(analysis.parameterBytes)])
    totals.append(["FLOPs", "\(analysis.totalFLOPs)", Format.scaled(Double(analysis.totalFLOPs), "FLOP")])
    totals.append([
      "peak intermediate bytes", "\(analysis.peakIntermediateBytes)",
      Format.bytes(analysis.peakIntermediateBytes) + peakAt,
    ])
    text += totals.rendered
    return text
  }
}
