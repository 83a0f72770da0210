import ArgumentParser
import TTIR
import TTInterpreter
import TTProfiler

/// `ttc graph`: the model's graph as Graphviz DOT or as text.
struct GraphCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "graph",
    abstract: "Print a model's graph as Graphviz DOT or as one line per node.",
    discussion: """
      DOT draws graph inputs as blue houses, weights as yellow notes, nodes as boxes with \
      their op and output type, and graph outputs as green houses. The text format lists \
      the inputs, the weights, one `outputs = op(inputs) {attributes}  # node  -> type` line per \
      node and the outputs (what --print-after prints). --profile runs the graph in the \
      interpreter (1 warm-up, --runs timed runs, inputs filled as by ttc profile) and colours \
      each DOT node by its share of the time, from white to red for the largest, with the share \
      in its label.

      Examples:
        ttc graph mlp.json                       # DOT on stdout
        ttc graph mlp.json -o mlp.dot && dot -Tsvg mlp.dot -o mlp.svg
        ttc graph mlp.json --format text
        ttc graph cnn.json --profile -o cnn.dot && dot -Tsvg cnn.dot -o cnn.svg
      """)

  /// The output notations.
  enum Notation: String, ExpressibleByArgument, CaseIterable {
    case dot, text
  }

  @Argument(help: "The model file (model.json).")
  var model: String

  @Option(help: "Output format: dot or text.")
  var format: Notation = .dot

  @Option(name: [.customShort("o"), .customLong("output")], help: "Write to this file instead of stdout.")
  var output: String?

  @Flag(help: "Profile the graph in the interpreter and colour DOT nodes by their share of the time.")
  var profile = false

  @Option(parsing: .unconditional, help: "Timed runs of --profile (node medians are taken over them).")
  var runs = 5

  func validate() throws {
    guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
    if profile && format != .dot { throw ValidationError("--profile colours DOT output; use --format dot") }
  }

  @OptionGroup var modelFile: ModelFileFlags

  func run() throws {
    try reportingErrors {
      if let output { try OutputPaths.check([("-o", output)], reading: OutputPaths.modelFiles(model)) }
      let graph = try loadModel(model, modelFile)
      let text: String
      switch format {
      case .dot:
        text = graph.dot(timeShares: profile ? try timeShares(graph) : nil)
      case .text:
        text = graph.listing
      }
      if let output {
        try writeAtomically(text, to: output)
      } else {
        print(text, terminator: "")
      }
    }
  }

  /// Each node's share of an interpreted run's time.
  private func timeShares(_ graph: Graph) throws -> [String: Double] {
    let inputs = try TensorFiles.readInputs([], graph: graph, modelPath: model, fill: true)
    do {
      return try Profiler(warmup: 1, runs: runs).profile(
        makeInterpreter(graph, modelPath: model), inputs: inputs
      )
      .timeShares
    } catch let error as ProfileError {
      throw CommandFailure("\(model): \(error)")
    }
  }
}
