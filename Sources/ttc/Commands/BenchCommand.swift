import ArgumentParser
import Foundation
import TTCodegen
import TTIR
import TTInterpreter
import TTLoader
import TTProfiler

/// `ttc bench`: interpreted vs compiled latency, throughput and agreement on the same inputs, or
/// with `--suite` the benchmark suite (``SuiteRunner``).
struct BenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench",
    abstract: "Benchmark the interpreter against the compiled library, or run the benchmark suite.",
    discussion: """
      Both engines run the same seeded random inputs (gather indices stay in range). Each engine \
      is warmed up, then the engines take turns in 20 rounds until each has run for --seconds (or \
      exactly --runs times), so that background load affects both alike; the report \
      gives the median and 90th-percentile latency per call, the throughput in samples (batch \
      rows) per second, the speedup of the median, and the largest absolute and relative \
      difference between the two engines' outputs. --threads N runs each call's kernels (GEMM, \
      convolution) on N threads in both engines; --thread-speedup also times the compiled library \
      on 1 thread, taking turns with N threads in the same run, and reports the speedup of N \
      threads over 1. --callers N also runs N compiled calls \
      concurrently (each with its own workspace) and reports their aggregate throughput. \
      Compiles through the compile cache (see ttc compile for the compiler options). --plot draws \
      the latencies and the speedup as an SVG bar chart.

      --suite runs a fixed list of models (the exported milestone models, a 784-512-512-10 MLP, \
      LeNet-5, a 1024³ GEMM) in every mode (interpreted, compiled -O0/-O2, fp16, int8 dynamic \
      and static, pruned) at batch 1 and 64, and prints a Markdown table: median latency with a \
      95% confidence interval, samples/s, speedup over the interpreter, memory, tinydigits \
      accuracy and the largest difference from the unoptimized graph. An entry that fails is \
      reported as failed and the run goes on (exit status 1 at the end). docs/BENCH.md describes \
      the JSON.

      Examples:
        ttc bench mlp.json
        ttc bench cnn.json --batch 64 --threads 2
        ttc bench gemm.json --threads 2 --thread-speedup --seconds 5
        ttc bench cnn.json --batch 64 --callers 2
        ttc bench mlp.json --runs 1000 --json
        ttc bench mlp.json --batch 64 --quantize int8-dynamic --plot bench.svg
        ttc bench --suite --json-file suite.json --plot suite.svg
        ttc bench --suite --filter 'digits-mlp/b1/' --repeats 50
      """)

  @Argument(help: "The model file (model.json); none with --suite.")
  var model: String?

  @OptionGroup(title: "Suite") var suite: SuiteFlags

  @Option(
    parsing: .unconditional,
    help: "Benchmark at this batch size (re-specializes the leading dimension of every input).")
  var batch: Int?

  /// The most concurrent callers `--callers` accepts (each gets its own workspace).
  static let maxCallers = 256

  @Option(
    parsing: .unconditional,
    help: "Also run the compiled model from this many callers at once (at most 256).")
  var callers = 1

  @OptionGroup(title: "Threads") var threading: ThreadFlags

  @Flag(
    help:
      "Also time the compiled library on 1 kernel thread, taking turns with --threads N, and report the speedup of N threads."
  )
  var threadSpeedup = false

  @Option(
    name: [.customLong("runs"), .customLong("repeats")], parsing: .unconditional,
    help: "Timed calls per engine, or per suite entry (default: as many as fit in --seconds or the --budget)."
  )
  var runs: Int?

  @Option(parsing: .unconditional, help: "Time budget per engine in seconds when --runs is not given.")
  var seconds = 1.0

  @Option(parsing: .unconditional, help: "Seed of the random inputs.")
  var seed: UInt64 = 0

  @Flag(help: "Print one JSON object instead of the table.")
  var json = false

  @Option(
    name: .customLong("json-file"),
    help: ArgumentHelp("Also write the JSON object to this file.", valueName: "file"))
  var jsonFile: String?

  @Option(
    help: ArgumentHelp(
      "Draw the latencies and speedups as an SVG bar chart into this file.", valueName: "file"))
  var plot: String?

  @OptionGroup(title: "Graph passes") var passes: PassFlags

  @OptionGroup var modelFile: ModelFileFlags

  @OptionGroup(title: "Quantization") var quantization: QuantizationFlags

  @OptionGroup var compiler: CompilerFlags

  func validate() throws {
    if let batch, batch <= 0 { throw ValidationError("--batch must be positive (got \(batch))") }
    if let runs, runs <= 0 { throw ValidationError("--runs must be positive (got \(runs))") }
    guard (1...BenchCommand.maxCallers).contains(callers) else {
      throw ValidationError("--callers must be between 1 and \(BenchCommand.maxCallers) (got \(callers))")
    }
    guard seconds > 0 else { throw ValidationError("--seconds must be positive (got \(seconds))") }
    if threadSpeedup && threading.threads == 1 {
      throw ValidationError("--thread-speedup compares --threads N (N > 1) with 1 thread; give --threads")
    }
    if suite.suite {
      if model != nil { throw ValidationError("give either a model file or --suite, not both") }
      if threadSpeedup { throw ValidationError("--thread-speedup measures one model; drop --suite") }
      if batch != nil {
        throw ValidationError("--suite runs every model at its own batch sizes; drop --batch")
      }
      if passes.isGiven || quantization.quantize != .none {
        throw ValidationError(
          "--suite chooses the passes and quantization of each mode; drop -O/--passes/--prune/--quantize")
      }
    } else {
      if model == nil { throw ValidationError("give a model file, or --suite") }
      if let option = suite.suiteOnlyOptionGiven {
        throw ValidationError("\(option) is only used with --suite")
      }
    }
  }

  func run() throws {
    try reportingErrors(suite.suite ? runSuite : bench)
  }

  /// Checks that the output files replace none of `inputs`.
  private func checkOutputs(reading inputs: [String]) throws {
    let outputs = [("--json-file", jsonFile), ("--plot", plot)].compactMap { option, path in
      path.map { (option: option, path: $0) }
    }
    try OutputPaths.check(outputs, reading: inputs)
  }

  /// Prints `report` as JSON (with `--json`) and writes it to `--json-file`.
  private func writeJSON(_ report: some Encodable) throws {
    guard json || jsonFile != nil else { return }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let text = String(decoding: try encoder.encode(report), as: UTF8.self)
    if json { print(text) }
    if let jsonFile { try writeAtomically(text + "\n", to: jsonFile) }
  }

  private func runSuite() throws {
    let (entries, skipped) = try suite.entries()
    for note in skipped { FileHandle.standardError.write(Data("note: \(note)\n".utf8)) }
    guard !entries.isEmpty else { throw CommandFailure("--filter/--mode select no entry of the suite") }
    let models = suite.modelsFolder
    try checkOutputs(
      reading: SuiteModel.all.flatMap { model -> [String] in
        guard case .exported(let file, _) = model.source else { return [] }
        return OutputPaths.modelFiles((models as NSString).appendingPathComponent(file))
      })
    let secondsPerEntry = suite.secondsPerEntry(count: entries.count)
    try threading.apply()
    let runner = SuiteRunner(
      modelsFolder: models,
      digits: Result { try DigitsData(folder: suite.dataFolder) }.mapError {
        $0 as? CommandFailure ?? CommandFailure("\($0)")
      },
      compiler: compiler, modelFile: modelFile, threads: threading.threads, callers: callers, repeats: runs,
      secondsPerEntry: secondsPerEntry, seed: seed
    ) { line in FileHandle.standardError.write(Data((oneLine(line) + "\n").utf8)) }
    let report = SuiteReport(
      machine: Machine.current, command: (["ttc"] + CommandLine.arguments.dropFirst()).joined(separator: " "),
      date: ISO8601DateFormatter().string(from: Date()), threads: threading.threads, callers: callers,
      repeats: runs,
      secondsPerEntry: secondsPerEntry, skipped: skipped, results: runner.run(entries))
    if !json { print(report.markdown, terminator: "") }
    try writeJSON(report)
    if let plot { try writeAtomically(report.figure.svg(), to: plot) }
    if !report.failures.isEmpty {
      FileHandle.standardError.write(
        Data("error: \(report.failures.count) of \(entries.count) entries failed\n".utf8))
      throw ExitCode.failure
    }
  }

  private func bench() throws {
    let model = self.model ?? ""
    try checkOutputs(reading: OutputPaths.modelFiles(model))
    let loaded = try LoadedModel(
      path: model, modelFile: modelFile, batch: batch, passes: passes, quantization: quantization)
    let graph = loaded.graph
    if let note = loaded.quantizationNote, !json { print(note) }
    let interpreter = try makeInterpreter(graph, modelPath: model)
    let compiled = try loadCompiledModel(loaded, library: nil, flags: compiler, modelPath: model)
    try threading.apply(to: compiled)
    let inputs = try RandomInputs.make(for: graph, seed: seed)
    let ordered = orderedInputs(inputs, of: graph)
    let rows = graph.batchSize ?? 1

    var interpreted: [String: InterpreterTensor] = [:]
    var native: [TensorData] = []
    let warmUp = runs.map { min($0, 10) } ?? 10
    let session = compiled.makeSession()
    var engines = [{ interpreted = try interpreter.run(inputs) }, { native = try session.run(ordered) }]
    // The library's thread count is its own (the interpreter's stays at --threads): N for the
    // second engine, 1 for the third. The CPU time of the N-thread calls over their wall time is
    // how many cores they kept busy: fewer than N where other jobs held the cores.
    var threaded = (cpu: 0.0, wall: 0.0)
    if threadSpeedup {
      engines[1] = {
        let (cpu, wall) = (Latency.processCPUTime(), Latency.now())
        native = try session.run(ordered)
        threaded.cpu += Latency.processCPUTime() - cpu
        threaded.wall += Latency.now() - wall
      }
      engines.append { _ = try session.run(ordered) }
    }
    let samples = try Latency.interleave(engines, runs: runs, budget: seconds, warmUp: warmUp) { engine in
      if threadSpeedup && engine > 0 { _ = try compiled.setThreads(engine == 1 ? threading.threads : 1) }
    }
    let (interpreterSamples, compiledSamples) = (samples[0], samples[1])
    try threading.apply(to: compiled)
    var difference = Difference()
    for (info, value) in zip(graph.outputs, native) {
      difference.add(value.floats(), interpreted[info.name]!.floats())
    }
    let report = BenchReport(
      machine: Machine.current, model: graph.name, batch: rows, threads: threading.threads, callers: callers,
      flops: try GraphAnalysis(graph).totalFLOPs,
      peak: MachinePeak.cached(root: compiler.cacheDirectory ?? CompileCache.defaultRoot),
      inputs: graph.inputs.map(\.description), interpreter: Latency(samples: interpreterSamples, batch: rows),
      compiled: Latency(samples: compiledSamples, batch: rows),
      compiledOneThread: threadSpeedup ? Latency(samples: samples[2], batch: rows) : nil,
      threadedCoresBusy: threadSpeedup ? threaded.cpu / threaded.wall : nil,
      concurrent: callers > 1
        ? try Latency.concurrent(
          compiled, ordered, threads: callers, runs: runs, budget: seconds, batch: rows) : nil,
      difference: difference)
    if !json { report.printTable() }
    try writeJSON(report)
    if let plot { try writeAtomically(report.figure.svg(), to: plot) }
  }
}
