import Foundation
import TTIR

/// A model.json loaded and specialized for the batch size a command asked for, with the time
/// each step took (the `load` and `passes` stages of `ttc compile`).
struct LoadedModel {
  /// The graph, at the requested batch size.
  let graph: Graph
  /// Seconds spent reading model.json and its weights.
  let loadSeconds: Double
  /// Seconds spent specializing the graph (shape inference and verification included).
  let passesSeconds: Double
  /// What the passes stage did, for the report (e.g. `batch 64`).
  let passes: [String]

  /// Loads `path` and, when `batch` is given, re-specializes the leading dimension of every input.
  ///
  /// - Throws: ``CLIError`` naming the file for any load, verification or specialization error.
  init(path: String, batch: Int?) throws {
    let start = Date()
    let loaded: Graph
    do {
      loaded = try ModelFile.load(from: URL(fileURLWithPath: path))
    } catch {
      throw CLIError("\(error)")
    }
    let afterLoad = Date()
    var graph = loaded
    var passes: [String] = []
    if let batch {
      do {
        graph = try loaded.specialized(batchSize: batch)
      } catch {
        throw CLIError("\(path): cannot use batch size \(batch): \(error)")
      }
      passes.append("batch=\(batch)")
    }
    self.graph = graph
    self.passes = passes
    loadSeconds = afterLoad.timeIntervalSince(start)
    passesSeconds = Date().timeIntervalSince(afterLoad)
  }
}
