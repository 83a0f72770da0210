import ArgumentParser
import TTIR

/// `ttc graph`: the model's graph as Graphviz DOT or as text.
struct GraphCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "graph",
    abstract: "Print a model's graph as Graphviz DOT or as one line per node.",
    discussion: """
      DOT draws graph inputs as blue houses, weights as yellow notes, nodes as boxes with \
      their op and output type, and graph outputs as green houses. The text format lists \
      the inputs, the weights, one `outputs = op(inputs) {attributes}  # node  -> type` line per \
      node and the outputs (what --print-after prints).

      Examples:
        ttc graph mlp.json                       # DOT on stdout
        ttc graph mlp.json -o mlp.dot && dot -Tsvg mlp.dot -o mlp.svg
        ttc graph mlp.json --format text
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

  func run() throws {
    try reportingErrors {
      if let output { try OutputPaths.check([("-o", output)], reading: OutputPaths.modelFiles(model)) }
      let graph = try loadModel(model)
      let text: String
      switch format {
      case .dot:
        text = graph.dot()
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
}
