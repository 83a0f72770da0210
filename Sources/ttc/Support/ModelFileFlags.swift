import ArgumentParser

/// How a command reads a model file: the options of every command that loads a model.json.
struct ModelFileFlags: ParsableArguments {
  @Flag(
    name: .customLong("allow-weights-outside-folder"),
    help: "Accept a weights.file with '..' that leaves the model's folder (refused by default).")
  var allowsWeightsOutsideFolder = false
}
