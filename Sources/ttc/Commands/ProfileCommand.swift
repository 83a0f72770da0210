import ArgumentParser
import Foundation
import TTCodegen
import TTIR
import TTInterpreter
import TTProfiler

extension Engine: ExpressibleByArgument {}

/// `ttc profile`: per-node time, FLOPs, bytes and roofline of a model in one engine.
struct ProfileCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "profile",
    abstract: "Time every node of a model in the interpreter, the compiled library or eager mode.",
    discussion: """
      Runs the model --warmup times untimed, then --runs times timing every node, and prints \
      each node's parameters, FLOPs and bytes (one cost model for every engine), its median \
      time and share, achieved GFLOP/s, arithmetic intensity (FLOP/byte) and the share of the \
      roofline it reaches (min(peak, intensity × bandwidth), from `ttc peak`, measured once \
      per machine and cached), then the median run, the parameter count and the peak memory \
      (interpreter: node outputs held at once, counted as they are made and freed; eager: \
      tensor storage, likewise; compiled: the arena planned at compile time). --engine \
      compiled compiles through the compile cache (see ttc compile) and times nodes through \
      the library's observer hook; --engine eager runs each node as a module call of the \
      eager op of the same name (the graph as traced: -O0 unless -O or --passes says \
      otherwise; fused and quantized ops have no eager form and are refused). Inputs not given \
      are filled with deterministic values (floats uniform in [0, 1), integers 0). --trace \
      writes a Chrome trace (open it in https://ui.perfetto.dev or chrome://tracing) with one \
      slice per node per run. A model that fails names the node where it failed.

      Examples:
        ttc profile mlp.json --input x.npy
        ttc profile cnn.json --engine compiled --runs 50 --trace cnn-trace.json
        ttc profile cnn.json --engine eager --trace cnn-eager.json
      """)

  @OptionGroup var source: ModelInputs

  @Option(help: "The engine to profile: interpreter, compiled or eager.")
  var engine: Engine = .interpreter

  @Option(parsing: .unconditional, help: "Timed runs; each node's median over them is reported.")
  var runs = 10

  @Option(parsing: .unconditional, help: "Untimed runs first.")
  var warmup = 1

  @Option(help: "Write a Chrome-trace JSON file with one slice per node per run.")
  var trace: String?

  @Flag(
    name: .customLong("no-roofline"),
    help: "Leave out the roofline columns (which measure the machine's peak on first use, about 1.5 s).")
  var noRoofline = false

  @OptionGroup var compiler: CompilerFlags

  func validate() throws {
    guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
    guard warmup >= 0 else { throw ValidationError("--warmup must not be negative") }
  }

  func run() throws {
    try reportingErrors {
      if let trace { try OutputPaths.check([("--trace", trace)], reading: source.readFiles) }
      let profile = try measure()
      let roofline = try noRoofline ? nil : Roofline(MachinePeak.cachedOrMeasured(root: cacheRoot))
      print(ProfileReport(profile: profile, roofline: roofline).text, terminator: "")
      if let trace {
        try writeAtomically(ChromeTrace.json(profile), to: trace)
        print("trace: \(trace) (\(profile.runDurations.count * profile.nodes.count) slices)")
      }
    }
  }

  private var cacheRoot: String { compiler.cacheDirectory ?? CompileCache.defaultRoot }

  private func measure() throws -> Profile {
    // Eager mode runs the graph as traced: its ops have no fused forms.
    let loaded = try LoadedModel(
      path: source.model, modelFile: source.modelFile, batch: source.batch, passes: source.passes,
      defaultLevel: engine == .eager ? .O0 : .O2)
    let graph = loaded.graph
    let values = try source.values(for: graph, fill: true)
    let profiler = Profiler(warmup: warmup, runs: runs)
    do {
      switch engine {
      case .interpreter:
        return try profiler.profile(makeInterpreter(graph, modelPath: source.model), inputs: values)
      case .compiled:
        let library = try loadCompiledModel(loaded, library: nil, flags: compiler, modelPath: source.model)
        return try profiler.profile(library, graph: graph, inputs: orderedInputs(values, of: graph))
      case .eager:
        return try profiler.profileEager(graph, inputs: values.mapValues(\.tensorData))
      }
    } catch let error as ProfileError {
      throw CommandFailure("\(source.model): \(error)")
    }
  }
}
