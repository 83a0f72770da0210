import ArgumentParser
import Foundation
import TTCodegen
import TTIR

/// `ttc compile`: model.json → C → clang → shared library, through the compile cache.
struct CompileCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "compile",
    abstract: "Compile a model.json to a native shared library.",
    discussion: """
      Runs the graph passes (-O2 by default: the exact rewrites and fusion; -O0 runs none), lowers
      the graph to C, checks it with libclang, compiles it with clang and copies the library from
      the compile cache to the output path (atomically). Prints the time of every stage, whether
      the cache was hit, the library size and the workspace arena size compared with the sum of
      all intermediate buffers; -v adds what every pass did.

      Examples:
        ttc compile mlp.json -o mlp.so
        ttc compile cnn.json -o cnn-b64.so --batch 64 --emit-c cnn.c
        ttc compile mlp.json -o mlp.so --cc-opt O2 --target-cpu x86-64-v3 --no-cache
        ttc compile mlp.json -O1 -v --print-after dce
        ttc compile mlp.json --passes dce,drop-unused-weights
        ttc compile mlp.json --explain-key
        ttc compile mlp.json -o mlp-int8.so --quantize int8 --calibrate samples.npy
      """)

  @Argument(help: "The model.json to compile.")
  var model: String

  @Option(
    name: .shortAndLong,
    help: ArgumentHelp("The library to write (default: the model path with .so).", valueName: "path"))
  var output: String?

  @Option(
    parsing: .unconditional, help: "Re-specialize the leading (batch) dimension of the inputs to this size.")
  var batch: Int?

  @Option(
    name: .customLong("emit-c"), help: ArgumentHelp("Also write the generated C here.", valueName: "path"))
  var emitC: String?

  @Flag(name: .customLong("explain-key"), help: "Print what went into the cache key, then compile.")
  var explainKey = false

  @Flag(
    name: .shortAndLong, help: "Print what every graph pass did, and nodes and intermediates before/after.")
  var verbose = false

  @OptionGroup(title: "Graph passes") var passes: PassFlags

  @OptionGroup var modelFile: ModelFileFlags

  @OptionGroup(title: "Quantization") var quantization: QuantizationFlags

  @OptionGroup var compiler: CompilerFlags

  func validate() throws {
    if let batch, batch <= 0 { throw ValidationError("--batch must be positive (got \(batch))") }
  }

  func run() throws {
    try reportingErrors(compile)
  }

  private func compile() throws {
    let outputPath = output ?? defaultOutputPath
    try OutputPaths.check(
      [("-o", outputPath)] + (emitC.map { [("--emit-c", $0)] } ?? []), reading: OutputPaths.modelFiles(model))
    let sizes = IntermediateBytes()
    let loaded = try LoadedModel(
      path: model, modelFile: modelFile, batch: batch, passes: passes, quantization: quantization,
      instruments: verbose ? [sizes] : [])
    if let note = loaded.quantizationNote { print(note) }
    var options = try compiler.options(emitC: emitC)
    options.passes = [loaded.pipeline.description]
    if explainKey { try printKey(loaded.graph, options: options) }
    let artifact: CompiledArtifact
    do {
      artifact = try ModelCompiler.compile(loaded.graph, options: options)
    } catch {
      throw CommandFailure("\(model): \(error)")
    }
    let weightsPath = ModelFile.weightsURL(for: URL(fileURLWithPath: model)).path
    try OutputFile.install(artifact.libraryPath, at: outputPath)

    let stages =
      [("load", loaded.loadSeconds), ("passes", loaded.passesSeconds)]
      + artifact.timings.filter { $0.stage != "total" }.map { ($0.stage, $0.seconds) }
    let total = loaded.loadSeconds + loaded.passesSeconds + (artifact.timings.last?.seconds ?? 0)
    print("compiled \(loaded.graph.name) → \(outputPath)")
    for (stage, seconds) in stages + [("total", total)] {
      print("  \(stage.padding(toLength: 8, withPad: " ", startingAt: 0)) \(Format.duration(seconds))")
    }
    let key = artifact.key.digest.prefix(16)
    print("cache: \(artifact.cacheHit ? "hit" : "miss") (key \(key)…)")
    print("library: \(Format.bytes(artifact.libraryBytes))")
    let percent = artifact.unsharedBytes == 0 ? 100 : artifact.arenaBytes * 100 / artifact.unsharedBytes
    print(
      "arena: \(Format.bytes(artifact.arenaBytes)) for \(Format.bytes(artifact.unsharedBytes)) "
        + "of intermediates "
        + "(\(percent)%)")
    if let emitC { print("C source: \(emitC)") }
    for note in artifact.notes { print("note: \(note)") }
    if verbose { print(PassReport.text(loaded, sizes: sizes), terminator: "") }
    if options.weights == .external { print("weights: external, read from \(weightsPath) at load") }
  }

  /// Every component of the cache key, with what it stands for.
  private func printKey(_ graph: Graph, options: CompileOptions) throws {
    let key = try ModelCompiler.cacheKey(graph, options: options)
    let weightBytes = graph.weights.values.reduce(0) { $0 + $1.bytes.count }
    let notes = [
      "graph": "SHA-256 of nodes, attributes, input/output types and \(graph.weights.count) weights "
        + "(\(Format.bytes(weightBytes)))",
      "passes": "graph rewrites applied before lowering", "abi": "TT_ABI_VERSION of Runtime/tt_model.h",
      "codegen": "C emitter version", "runtime": "SHA-256 of the runtime C sources",
      "weights": "embedded in the library or external", "compiler": "compiler path and version",
      "flags": "C compiler flags", "cpu": "the CPU -march=native compiles for (model, feature flags)",
    ]
    print("cache key of \(graph.name):")
    for (name, value) in key.components {
      let shown = value.isEmpty ? "(none)" : value
      print("  \(name.padding(toLength: 9, withPad: " ", startingAt: 0)) \(shown)")
      if let note = notes[name] { print("            \(note)") }
    }
    print("  = key     \(key.digest)")
  }

  private var defaultOutputPath: String {
    let url = URL(fileURLWithPath: model)
    return url.deletingPathExtension().appendingPathExtension("so").path
  }
}
