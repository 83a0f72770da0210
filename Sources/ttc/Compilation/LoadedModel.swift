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
  /// The pipeline that ran.
  let pipeline: Pipeline
  /// What every pass did.
  let statistics: [PassStatistics]
  /// Seconds spent reading model.json and its weights (verification included).
  let loadSeconds: Double
  /// Seconds spent in the passes (verification included).
  let passesSeconds: Double

  /// Loads `path` and runs the pipeline `passes` describe (`defaultLevel` when they name none),
  /// re-specializing the batch dimension first when `batch` is given.
  ///
  /// - Throws: ``CommandFailure`` naming the file (and the pass, for a pass failure).
  init(
    path: String, batch: Int?, passes: PassFlags, defaultLevel: OptimizationLevel = .O2,
    instruments extra: [any PassInstrument] = []
  ) throws {
    let pipeline = try passes.pipeline(batch: batch, defaultLevel: defaultLevel)
    let instruments = try passes.instruments(for: pipeline) + extra
    let start = Date()
    original = try loadModel(path)
    let afterLoad = Date()
    do {
      let result = try PassManager(pipeline: pipeline, instruments: instruments).run(original)
      graph = result.graph
      statistics = result.statistics
    } catch {
      throw CommandFailure("\(path): \(error)")
    }
    self.pipeline = pipeline
    loadSeconds = afterLoad.timeIntervalSince(start)
    passesSeconds = Date().timeIntervalSince(afterLoad)
  }
}
