import Foundation
import TTIR
import TTPasses

/// A model.json loaded and run through the graph passes a command asked for (batch
/// re-specialization included), with the time each step took (the `load` and `passes` stages of
/// `ttc compile`).
struct LoadedModel {
  /// The graph after the passes.
  let graph: Graph
  /// The graph as loaded.
  let original: Graph
  /// The pipeline that ran (with the quantization pass last, when it changed the graph).
  let pipeline: Pipeline
  /// What `--quantize` did, for the user (nil without `--quantize`).
  let quantizationNote: String?
  /// What every pass did.
  let statistics: [PassStatistics]
  /// Seconds spent reading model.json and its weights (verification included).
  let loadSeconds: Double
  /// Seconds spent in the passes (verification included).
  let passesSeconds: Double

  /// Loads `path` and runs the pipeline `passes` describe (`defaultLevel` when they name none),
  /// re-specializing the batch dimension first when `batch` is given, then the quantization pass
  /// `quantization` asks for (calibrated on the graph the other passes produced).
  ///
  /// - Throws: ``CommandFailure`` naming the file (and the pass, for a pass failure).
  init(
    path: String, modelFile: ModelFileFlags, batch: Int?, passes: PassFlags,
    quantization: QuantizationFlags? = nil,
    defaultLevel: OptimizationLevel = .O2, instruments extra: [any PassInstrument] = []
  ) throws {
    let pipeline = try passes.pipeline(batch: batch, defaultLevel: defaultLevel)
    let instruments = try passes.instruments(for: pipeline) + extra
    let start = Date()
    let original = try loadModel(path, modelFile)
    try self.init(
      original: original, path: path, pipeline: pipeline, quantization: quantization?.request(),
      instruments: instruments, loadSeconds: Date().timeIntervalSince(start))
  }

  /// Runs `pipeline` on `original` (loaded from `path`), then the pass `quantization` asks for
  /// (calibrated on the graph the pipeline produced).
  ///
  /// - Throws: ``CommandFailure`` naming the file (and the pass, for a pass failure).
  init(
    original: Graph, path: String, pipeline: Pipeline, quantization: QuantizationRequest?,
    instruments: [any PassInstrument] = [], loadSeconds: Double = 0
  ) throws {
    var pipeline = pipeline
    let start = Date()
    do {
      let result = try PassManager(pipeline: pipeline, instruments: instruments).run(original)
      if let quantization, let pass = try quantization.pass(for: result.graph) {
        let quantized = try PassManager(pipeline: Pipeline(name: "quantize", passes: [pass])).run(
          result.graph)
        // A pass that changed nothing stays out of the cache key: the same graph, the same library.
        if quantized.statistics[0].changed { pipeline.passes.append(pass) }
        graph = quantized.graph
        statistics = result.statistics + quantized.statistics
        quantizationNote = quantization.note(quantized.statistics[0])
      } else {
        graph = result.graph
        statistics = result.statistics
        quantizationNote = nil
      }
    } catch let failure as CommandFailure {
      throw failure
    } catch {
      throw CommandFailure("\(path): \(error)")
    }
    self.original = original
    self.pipeline = pipeline
    self.loadSeconds = loadSeconds
    passesSeconds = Date().timeIntervalSince(start)
  }
}
