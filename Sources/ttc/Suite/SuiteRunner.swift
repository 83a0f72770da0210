import Foundation
import TTIR
import TTInterpreter
import TTLoader
import TTPasses

/// Runs the entries of `ttc bench --suite` one after another. An entry that fails (its model is
/// missing, does not load, does not compile, …) is recorded with its error and the run goes on.
struct SuiteRunner {
  /// Where the exported milestone models are.
  let modelsFolder: String
  /// The tinydigits data, or why it could not be read.
  let digits: Result<DigitsData, CommandFailure>
  let compiler: CompilerFlags
  /// How model files are read (`--allow-weights-outside-folder`).
  let modelFile: ModelFileFlags
  /// Kernel threads per call of each compiled library (`--threads`; the interpreter's are set by
  /// the command for the whole run).
  let threads: Int
  /// Concurrent callers of each compiled library (1: none besides the timed one).
  let callers: Int
  /// Timed calls per entry, or nil to time each entry for `secondsPerEntry`.
  let repeats: Int?
  let secondsPerEntry: Double
  let seed: UInt64
  /// Called with one line per finished entry (progress, on stderr).
  let progress: (String) -> Void

  /// Measures every entry, in order.
  func run(_ entries: [SuiteEntry]) -> [SuiteResult] {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
      "ttc-suite-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: scratch) }
    var files: [String: Result<Graph, CommandFailure>] = [:]
    // The reference outputs per model and batch (nil when the reference itself failed to run).
    var references: [String: [[Float]]?] = [:]
    var results: [SuiteResult] = []
    for (index, entry) in entries.enumerated() {
      let outcome: Result<SuiteMeasurement, CommandFailure>
      do {
        let (original, path) = try model(entry.model, scratch: scratch, cache: &files)
        let key = "\(entry.model.name)/b\(entry.batch)"
        if references.index(forKey: key) == nil {
          references[key] = .some(try? referenceOutputs(original, path: path, batch: entry.batch))
        }
        outcome = .success(
          try measure(entry, original: original, path: path, reference: references[key] ?? nil))
      } catch let failure as CommandFailure {
        outcome = .failure(failure)
      } catch {
        outcome = .failure(CommandFailure("\(error)"))
      }
      let result = SuiteResult(entry: entry, outcome: outcome)
      progress("[\(index + 1)/\(entries.count)] \(entry.id): \(result.summary)")
      results.append(result)
    }
    return results
  }

  /// The model's file, loaded once per run (a failure is remembered for its other entries).
  private func model(
    _ model: SuiteModel, scratch: URL, cache: inout [String: Result<Graph, CommandFailure>]
  ) throws -> (Graph, String) {
    let path: String
    switch model.source {
    case .exported(let file, _): path = (modelsFolder as NSString).appendingPathComponent(file)
    case .generated: path = scratch.appendingPathComponent("\(model.name).json").path
    }
    if cache[model.name] == nil {
      cache[model.name] = Result {
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        _ = try model.file(models: modelsFolder, scratch: scratch)
        return try loadModel(path, modelFile)
      }.mapError { $0 as? CommandFailure ?? CommandFailure("\($0)") }
    }
    return (try cache[model.name]!.get(), path)
  }

  /// The outputs of the unoptimized graph, interpreted at `batch` on the suite's random inputs: what
  /// every mode is compared with.
  private func referenceOutputs(_ original: Graph, path: String, batch: Int) throws -> [[Float]] {
    let loaded = try LoadedModel(
      original: original, path: path, pipeline: SuiteMode.compiledO0.pipeline(batch: batch), quantization: nil
    )
    let inputs = try RandomInputs.make(for: loaded.graph, seed: seed)
    let outputs = try interpret(loaded.graph, inputs, modelPath: path)
    return loaded.graph.outputs.map { outputs[$0.name]!.floats() }
  }

  private func measure(_ entry: SuiteEntry, original: Graph, path: String, reference: [[Float]]?) throws
    -> SuiteMeasurement
  {
    let mode = entry.mode
    var quantization: QuantizationRequest?
    if mode.quantization != .none {
      var samples = QuantizationRequest.Samples.files([])
      if mode.quantization == .int8 {
        guard original.inputs.count == 1 else {
          throw CommandFailure("calibration needs a model with one input")
        }
        samples = .loaded(
          try digits.get().calibrationSamples(for: original.inputs[0]), source: "tinydigits calibration")
      }
      quantization = QuantizationRequest(mode: mode.quantization, samples: samples, observer: .minMax)
    }
    let loaded = try LoadedModel(
      original: original, path: path, pipeline: mode.pipeline(batch: entry.batch), quantization: quantization)
    let graph = loaded.graph
    let inputs = try RandomInputs.make(for: graph, seed: seed)
    let engine = try SuiteEngine(loaded, mode: mode, compiler: compiler, threads: threads, modelPath: path)
    let outputs = try engine.run(inputs)
    let samples = try Latency.measure(runs: repeats, budget: secondsPerEntry, warmUp: 3, engine.call(inputs))
    var difference: Difference?
    if let reference {
      var total = Difference()
      for (actual, expected) in zip(outputs, reference) { total.add(actual, expected) }
      difference = total
    }
    var accuracy: Double?
    if entry.model.classifiesDigits, case .success(let digits) = self.digits, graph.inputs.count == 1 {
      let input = graph.inputs[0]
      accuracy = try digits.accuracy(batch: entry.batch) { pixels in
        let tensor = try InterpreterTensor(shape: input.type.shape, storage: .f32(pixels))
        return try engine.run([input.name: tensor])[0]
      }
    }
    return SuiteMeasurement(
      latency: Latency(samples: samples, batch: entry.batch),
      concurrent: callers > 1
        ? try engine.concurrent(
          inputs, callers: callers, runs: repeats, budget: secondsPerEntry, batch: entry.batch)
        : nil,
      weightsBytes: engine.weightsBytes, activationBytes: engine.activationBytes,
      activationMemory: mode.isCompiled ? .arena : .peak, accuracy: accuracy,
      maxAbsoluteDifference: difference.map(\.maxAbsolute))
  }
}
