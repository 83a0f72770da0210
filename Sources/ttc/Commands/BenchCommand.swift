import ArgumentParser
import Foundation
import TTCodegen
import TTIR
import TTInterpreter
import TTLoader
import TTProfiler

/// `ttc bench`: interpreted vs compiled latency, throughput and agreement on the same inputs.
struct BenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench",
    abstract: "Benchmark the interpreter against the compiled library.",
    discussion: """
      Both engines run the same seeded random inputs (gather indices stay in range). Each engine \
      is warmed up, then the engines take turns in 20 rounds until each has run for --seconds (or \
      exactly --runs times), so that background load affects both alike; the report \
      gives the median and 90th-percentile latency per call, the throughput in samples (batch \
      rows) per second, the speedup of the median, and the largest absolute and relative \
      difference between the two engines' outputs. --threads N also runs N compiled calls \
      concurrently (each with its own workspace) and reports their aggregate throughput. \
      Compiles through the compile cache (see ttc compile for the compiler options).

      Examples:
        ttc bench mlp.json
        ttc bench cnn.json --batch 64 --threads 2
        ttc bench mlp.json --runs 1000 --json
        ttc bench mlp.json --batch 64 --quantize int8-dynamic
      """)

  @Argument(help: "The model file (model.json).")
  var model: String

  @Option(
    parsing: .unconditional,
    help: "Benchmark at this batch size (re-specializes the leading dimension of every input).")
  var batch: Int?

  /// The most concurrent callers `--threads` accepts (each gets its own workspace).
  static let maxThreads = 256

  @Option(
    parsing: .unconditional, help: "Also run the compiled model on this many threads at once (at most 256).")
  var threads = 1

  @Option(parsing: .unconditional, help: "Timed calls per engine (default: as many as fit in --seconds).")
  var runs: Int?

  @Option(parsing: .unconditional, help: "Time budget per engine in seconds when --runs is not given.")
  var seconds = 1.0

  @Option(parsing: .unconditional, help: "Seed of the random inputs.")
  var seed: UInt64 = 0

  @Flag(help: "Print one JSON object instead of the table.")
  var json = false

  @OptionGroup(title: "Graph passes") var passes: PassFlags

  @OptionGroup(title: "Quantization") var quantization: QuantizationFlags

  @OptionGroup var compiler: CompilerFlags

  func validate() throws {
    if let batch, batch <= 0 { throw ValidationError("--batch must be positive (got \(batch))") }
    if let runs, runs <= 0 { throw ValidationError("--runs must be positive (got \(runs))") }
    guard (1...BenchCommand.maxThreads).contains(threads) else {
      throw ValidationError("--threads must be between 1 and \(BenchCommand.maxThreads) (got \(threads))")
    }
    guard seconds > 0 else { throw ValidationError("--seconds must be positive (got \(seconds))") }
  }

  func run() throws {
    try reportingErrors(bench)
  }

  private func bench() throws {
    let loaded = try LoadedModel(path: model, batch: batch, passes: passes, quantization: quantization)
    let graph = loaded.graph
    if let note = loaded.quantizationNote, !json { print(note) }
    let interpreter = try makeInterpreter(graph, modelPath: model)
    let compiled = try loadCompiledModel(loaded, library: nil, flags: compiler, modelPath: model)
    let inputs = try RandomInputs.make(for: graph, seed: seed)
    let ordered = orderedInputs(inputs, of: graph)
    let rows = graph.batchSize ?? 1

    var interpreted: [String: InterpreterTensor] = [:]
    var native: [TensorData] = []
    let warmUp = runs.map { min($0, 10) } ?? 10
    let session = compiled.makeSession()
    let samples = try Latency.interleave(
      [{ interpreted = try interpreter.run(inputs) }, { native = try session.run(ordered) }], runs: runs,
      budget: seconds, warmUp: warmUp)
    let (interpreterSamples, compiledSamples) = (samples[0], samples[1])
    var difference = Difference()
    for (info, value) in zip(graph.outputs, native) {
      difference.add(value.floats(), interpreted[info.name]!.floats())
    }
    let report = Report(
      machine: Machine.current, model: graph.name, batch: rows, threads: threads,
      flops: try GraphAnalysis(graph).totalFLOPs,
      peak: MachinePeak.cached(root: compiler.cacheDirectory ?? CompileCache.defaultRoot),
      inputs: graph.inputs.map(\.description), interpreter: Latency(samples: interpreterSamples, batch: rows),
      compiled: Latency(samples: compiledSamples, batch: rows),
      concurrent: threads > 1 ? try concurrent(compiled, ordered, rows: rows) : nil,
      difference: difference)
    if json {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys]
      print(String(decoding: try encoder.encode(report), as: UTF8.self))
    } else {
      report.printTable()
    }
  }

  /// `threads` callers running the compiled model at once, each with its own session.
  private func concurrent(_ compiled: CompiledModel, _ inputs: [TensorData], rows: Int) throws -> Latency {
    let perThread = runs ?? 0
    let budget = seconds
    let results = ThreadResults(count: threads)
    let start = Latency.now()
    DispatchQueue.concurrentPerform(iterations: threads) { index in
      let session = compiled.makeSession()
      do {
        let samples = try Latency.measure(runs: perThread > 0 ? perThread : nil, budget: budget, warmUp: 10) {
          _ = try session.run(inputs)
        }
        results.store(index, .success(samples))
      } catch {
        results.store(index, .failure(error))
      }
    }
    let wall = Latency.now() - start
    let samples = try results.all().flatMap { try $0.get() }
    return Latency(samples: samples, batch: rows, calls: samples.count, seconds: wall)
  }
}

/// Per-thread results of a concurrent run, written once per index.
private final class ThreadResults: @unchecked Sendable {
  private var values: [Result<[Double], any Error>?]
  private let lock = NSLock()

  init(count: Int) { values = Array(repeating: nil, count: count) }

  func store(_ index: Int, _ value: Result<[Double], any Error>) {
    lock.withLock { values[index] = value }
  }

  func all() -> [Result<[Double], any Error>] { lock.withLock { values.compactMap { $0 } } }
}

/// What `ttc bench` reports, as a table or as JSON.
private struct Report: Encodable {
  let machine: Machine
  let model: String
  let batch: Int
  let threads: Int
  /// FLOPs of one call (TTIR's CostModel) and this machine's cached `ttc peak`, if measured.
  let flops: Int
  let peak: MachinePeak?
  let inputs: [String]
  let interpreter: Latency
  let compiled: Latency
  let concurrent: Latency?
  let difference: Difference

  /// Median interpreter latency over median compiled latency.
  var speedup: Double { interpreter.median / compiled.median }

  /// GFLOP/s at the median latency.
  func gflops(_ latency: Latency) -> Double { Double(flops) / latency.median * 1e-9 }

  /// GFLOP/s as a share of the one-thread fp32 peak, when `ttc peak` has measured it.
  func shareOfPeak(_ latency: Latency) -> Double? { peak.map { gflops(latency) / $0.fp32GFLOPS } }

  enum CodingKeys: String, CodingKey {
    case machine, model, batch, threads, inputs, interpreter, compiled, concurrent, speedup, flops
    case interpreterGFLOPS = "interpreter_gflops"
    case compiledGFLOPS = "compiled_gflops"
    case peakGFLOPS = "peak_gflops"
    case compiledShareOfPeak = "compiled_share_of_peak"
    case maxAbsoluteDifference = "max_abs_diff"
    case maxRelativeDifference = "max_rel_diff"
  }

  func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(machine, forKey: .machine)
    try container.encode(model, forKey: .model)
    try container.encode(batch, forKey: .batch)
    try container.encode(threads, forKey: .threads)
    try container.encode(inputs, forKey: .inputs)
    try container.encode(interpreter, forKey: .interpreter)
    try container.encode(compiled, forKey: .compiled)
    try container.encodeIfPresent(concurrent, forKey: .concurrent)
    try container.encode(speedup, forKey: .speedup)
    try container.encode(flops, forKey: .flops)
    try container.encode(gflops(interpreter), forKey: .interpreterGFLOPS)
    try container.encode(gflops(compiled), forKey: .compiledGFLOPS)
    try container.encodeIfPresent(peak?.fp32GFLOPS, forKey: .peakGFLOPS)
    try container.encodeIfPresent(shareOfPeak(compiled), forKey: .compiledShareOfPeak)
    try container.encode(difference.maxAbsolute, forKey: .maxAbsoluteDifference)
    try container.encode(difference.maxRelative, forKey: .maxRelativeDifference)
  }

  func printTable() {
    print(machine.line)
    print("model: \(model), batch \(batch), inputs \(inputs.joined(separator: ", "))")
    var table = TextTable([
      ("engine", .left), ("median", .right), ("p90", .right), ("samples/s", .right), ("GFLOP/s", .right),
      ("of peak", .right), ("runs", .right),
    ])
    func row(_ name: String, _ latency: Latency) {
      table.append([
        name, Format.duration(latency.median), Format.duration(latency.p90),
        Format.scaled(latency.throughput), String(format: "%.1f", gflops(latency)),
        shareOfPeak(latency).map(Format.percent) ?? "-", "\(latency.runs)",
      ])
    }
    row("interpreter", interpreter)
    row("compiled", compiled)
    if let concurrent { row("compiled ×\(threads) threads", concurrent) }
    print(table.rendered, terminator: "")
    print(String(format: "speedup: %.1f× (median latency)", speedup))
    if let peak {
      print(String(format: "peak (ttc peak, 1 thread, %@): %.1f GFLOP/s", peak.path, peak.fp32GFLOPS))
    } else {
      print("peak: not measured on this machine yet (run ttc peak for GFLOP/s as a share of it)")
    }
    print(
      "max difference (compiled vs interpreter): abs \(Format.scientific(difference.maxAbsolute)), "
        + "rel \(Format.scientific(difference.maxRelative))")
  }
}
