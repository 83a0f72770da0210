import Foundation
import TTIR

/// A model.json loaded and specialized for the batch size a command asked for, with the time
/// each step took (the `load` and `passes` stages of `ttc compile`).
struct LoadedModel {
  /// The graph, at the requested batch size.
  let graph: Graph
  /// Seconds spent reading model.json and its weights (verification included).
  let loadSeconds: Double
  /// Seconds spent specializing the graph (shape inference and verification included).
  let passesSeconds: Double
  /// What the passes stage did, recorded in the cache key (e.g. `batch=64`).
  let passes: [String]

  /// Loads `path` and, when `batch` is given, re-specializes the leading dimension of every input.
  ///
  /// - Throws: ``CommandFailure`` naming the file.
  init(path: String, batch: Int?) throws {
    let start = Date()
    let loaded = try loadModel(path)
    let afterLoad = Date()
    graph = try specialize(loaded, batchSize: batch, modelPath: path)
    passes = batch.map { ["batch=\($0)"] } ?? []
    loadSeconds = afterLoad.timeIntervalSince(start)
    passesSeconds = Date().timeIntervalSince(afterLoad)
  }
}
