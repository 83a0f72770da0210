import ArgumentParser
import TTIR
import TTInterpreter

/// The model file, batch size and `.npy` inputs of the commands that evaluate a model
/// (`ttc run`, `ttc profile`), and the graph passes run before.
struct ModelInputs: ParsableArguments {
  @Argument(help: "The model file (model.json).")
  var model: String

  @Option(
    parsing: .unconditional,
    help: "Run at this batch size (re-specializes the leading dimension of every input).")
  var batch: Int?

  @Option(
    name: .customLong("input"),
    help: ArgumentHelp(
      "An input as NAME=FILE.npy, or FILE.npy for the next input in declaration order.",
      valueName: "input"))
  var inputs: [String] = []

  @OptionGroup(title: "Graph passes") var passes: PassFlags

  @OptionGroup var modelFile: ModelFileFlags

  /// Every file these options make a command read: the model, its weights and the `--input`
  /// files (for `NAME=FILE.npy`, both readings of the argument).
  var readFiles: [String] {
    OutputPaths.modelFiles(model)
      + inputs.flatMap { argument in
        [argument] + argument.split(separator: "=", maxSplits: 1).dropFirst().map(String.init)
      }
  }

  /// The model after the passes (re-specialized to `--batch` when given).
  func load(quantization: QuantizationFlags? = nil) throws -> LoadedModel {
    try LoadedModel(
      path: model, modelFile: modelFile, batch: batch, passes: passes, quantization: quantization)
  }

  /// The `--input` values for `graph`; with `fill`, inputs not given get deterministic values.
  func values(for graph: Graph, fill: Bool = false) throws -> [String: InterpreterTensor] {
    try TensorFiles.readInputs(inputs, graph: graph, modelPath: model, fill: fill)
  }
}
