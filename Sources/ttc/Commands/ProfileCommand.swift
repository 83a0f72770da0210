import ArgumentParser
import Foundation
import TTIR
import TTInterpreter

/// `ttc profile`: per-node wall time, FLOPs and bytes of an interpreted run.
struct ProfileCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "profile",
    abstract: "Time every node of an interpreted run.",
    discussion: """
      Runs the model --warmup times untimed, then --runs times timing every node, and prints \
      the median time of each node with its FLOPs, bytes moved, achieved GFLOP/s and GB/s. \
      Inputs not given are filled with deterministic values (floats uniform in [0, 1), \
      integers 0). --trace writes a Chrome trace (open it in https://ui.perfetto.dev or \
      chrome://tracing) with one complete event per node per run.

      Examples:
        ttc profile mlp.json --input x.npy
        ttc profile cnn.json --runs 50 --trace cnn-trace.json
      """)

  @OptionGroup var source: ModelInputs

  @Option(parsing: .unconditional, help: "Timed runs; each node's median over them is reported.")
  var runs = 10

  @Option(parsing: .unconditional, help: "Untimed runs first.")
  var warmup = 1

  @Option(help: "Write a Chrome-trace JSON file with one event per node per run.")
  var trace: String?

  func validate() throws {
    guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
    guard warmup >= 0 else { throw ValidationError("--warmup must not be negative") }
  }

  func run() throws {
    try reportingErrors {
      if let trace { try OutputPaths.check([("--trace", trace)], reading: source.readFiles) }
      let graph = try source.load().graph
      let interpreter = try makeInterpreter(graph, modelPath: source.model)
      let values = try source.values(for: graph, fill: true)
      var profiles: [InterpreterProfile] = []
      do {
        for _ in 0..<warmup { _ = try interpreter.run(values) }
        for _ in 0..<runs { profiles.append(try interpreter.profile(values)) }
      } catch {
        throw CommandFailure("\(source.model): \(error)")
      }
      print(report(graph, profiles), terminator: "")
      if let trace {
        try writeAtomically(ChromeTrace.json(profiles, graphName: graph.name), to: trace)
        print("trace: \(trace) (\(profiles.count * graph.nodes.count) events)")
      }
    }
  }

  private func report(_ graph: Graph, _ profiles: [InterpreterProfile]) -> String {
    let medians = graph.nodes.indices.map { index in median(profiles.map { $0.nodes[index].duration }) }
    let total = medians.reduce(0, +)
    var table = TextTable([
      ("#", .right), ("node", .left), ("op", .left), ("output", .left), ("median µs", .right),
      ("share", .right), ("FLOPs", .right), ("bytes", .right), ("GFLOP/s", .right), ("GB/s", .right),
    ])
    for (index, timing) in profiles[0].nodes.enumerated() {
      let seconds = medians[index]
      let bytes = timing.bytesRead + timing.bytesWritten
      let rate = { (amount: Int) in seconds > 0 ? String(format: "%.2f", Double(amount) / seconds / 1e9) : "-"
      }
      table.append([
        "\(index)", timing.name, timing.op.rawValue, "\(timing.outputType)",
        Format.microseconds(seconds), Format.percent(total > 0 ? seconds / total : 0),
        "\(timing.flops)", "\(bytes)", rate(timing.flops), rate(bytes),
      ])
    }
    let flops = profiles[0].nodes.reduce(0) { $0 + $1.flops }
    let run = median(profiles.map(\.duration))
    return table.rendered + "\n"
      + "runs: \(profiles.count) (after \(warmup) warm-up), median run \(Format.microseconds(run)) µs, "
      + "sum of node medians \(Format.microseconds(total)) µs, \(Format.scaled(Double(flops), "FLOP")), "
      + "peak intermediates \(Format.bytes(profiles[0].peakLiveBytes)) "
      + "in \(profiles[0].peakLiveBuffers) buffers\n"
  }

  private func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
  }
}
