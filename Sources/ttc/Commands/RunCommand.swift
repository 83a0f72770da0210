import ArgumentParser
import TTIR
import TTInterpreter
import TTLoader

/// `ttc run`: evaluates a model on `.npy` inputs with the interpreter.
struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run a model with the interpreter (or its compiled library) on .npy inputs.",
    discussion: """
      Each input must have exactly the shape and dtype the model declares (f32 inputs are \
      float32 arrays, i64 inputs int64, i32 inputs int32). Outputs are written as .npy \
      only after the whole run succeeded, through a temporary file and a rename; without \
      --output they are printed. --batch N re-specializes the model to batch size N (the \
      leading dimension of every input) when its reshapes and slices allow it. --compiled runs \
      the compiled library instead: the given one (built by ttc compile from this model, at \
      this batch size), or one compiled on the fly through the compile cache. --threads N runs \
      each kernel (GEMM, convolution) on N threads; outputs do not depend on it.

      Examples:
        ttc run mlp.json --input x.npy --output probs.npy
        ttc run gpt.json --input tokens=ids.npy --output logits=logits.npy
        ttc run two-heads.json --input x.npy --output results/    # results/<name>.npy
        ttc run mlp.json --batch 32 --input batch32.npy --output probs.npy
        ttc run mlp.json --compiled mlp.so --input x.npy --output probs.npy
        ttc run mlp.json --compiled --input x.npy      # compiles through the cache
        ttc run mlp.json --quantize int8 --calibrate samples.npy --input x.npy
      """)

  @OptionGroup var source: ModelInputs

  @Argument(help: ArgumentHelp("With --compiled: the library built by ttc compile.", valueName: "library"))
  var library: String?

  @Flag(help: "Run the compiled library instead of the interpreter.")
  var compiled = false

  @OptionGroup var quantization: QuantizationFlags

  @OptionGroup(title: "Threads") var threading: ThreadFlags

  @OptionGroup(title: "Compilation (with --compiled and no library)")
  var compiler: CompilerFlags

  @Option(
    name: .customLong("output"),
    help: ArgumentHelp(
      "Where outputs go: NAME=FILE.npy, FILE.npy (single output) or DIRECTORY/.",
      valueName: "output"))
  var outputs: [String] = []

  func validate() throws {
    if library != nil && !compiled {
      throw ValidationError("a library path is only accepted after --compiled")
    }
  }

  func run() throws {
    try reportingErrors {
      let loaded = try source.load(quantization: quantization)
      let graph = loaded.graph
      if let note = loaded.quantizationNote { print(note) }
      let destinations = try TensorFiles.outputPaths(outputs, graph: graph)
      try OutputPaths.check(
        graph.outputs.compactMap { output in destinations[output.name].map { ("--output", $0) } },
        reading: source.readFiles + (library.map { [$0] } ?? []))
      let values = try source.values(for: graph)
      try threading.apply()
      let results =
        try compiled ? runCompiled(loaded, values) : interpret(graph, values, modelPath: source.model)
      for output in graph.outputs {
        let value = results[output.name]!
        if let path = destinations[output.name] {
          try TensorFiles.write(value, to: path)
          print("\(output.name): \(value.type) -> \(path)")
        } else {
          print("\(output.name): \(value.type) = \(preview(value))")
        }
      }
    }
  }

  private func runCompiled(_ loaded: LoadedModel, _ values: [String: InterpreterTensor]) throws
    -> [String: InterpreterTensor]
  {
    let graph = loaded.graph
    let compiledModel = try loadCompiledModel(
      loaded, library: library, flags: compiler, modelPath: source.model)
    try threading.apply(to: compiledModel)
    do {
      let results = try compiledModel.run(orderedInputs(values, of: graph))
      return Dictionary(
        uniqueKeysWithValues: zip(graph.outputs.map(\.name), results.map(InterpreterTensor.init)))
    } catch {
      throw CommandFailure("\(compiledModel.path): \(error)")
    }
  }

  /// The first 16 elements, e.g. `[0.1, 0.9, …]` (with the element count when truncated).
  private func preview(_ value: InterpreterTensor) -> String {
    let limit = 16
    let elements: [String] =
      switch value.storage {
      case .f32, .f16: value.floats().prefix(limit).map { "\($0)" }
      case .i8, .i32, .i64: value.int64s().prefix(limit).map { "\($0)" }
      }
    let more = value.count > limit ? ", … (\(value.count) values)" : ""
    return "[\(elements.joined(separator: ", "))\(more)]"
  }
}
