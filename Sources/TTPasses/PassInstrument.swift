import TTIR

/// Watches a pipeline run from outside the passes (TVM's pass instruments): the manager calls
/// every instrument after every pass, with its statistics and the graph it left.
public protocol PassInstrument {
  /// Called after `statistics.pass` ran (and, when it changed the graph, was verified).
  func didRun(_ statistics: PassStatistics, graph: Graph)
}

/// Prints the graph after one named pass, or after every pass.
public struct GraphPrinter: PassInstrument {
  private let selected: String?
  private let write: (String) -> Void

  /// Prints after the pass called `pass` (`"all"`: after every pass), through `write`.
  ///
  /// - Throws: ``PassError/notInPipeline(_:pipeline:)`` when `pipeline` has no such pass.
  public init(after pass: String, in pipeline: Pipeline, write: @escaping (String) -> Void) throws(PassError)
  {
    if pass != "all", !pipeline.passes.contains(where: { $0.name == pass }) {
      throw .notInPipeline(pass, pipeline: pipeline.passes.map(\.name))
    }
    selected = pass == "all" ? nil : pass
    self.write = write
  }

  public func didRun(_ statistics: PassStatistics, graph: Graph) {
    guard selected == nil || selected == statistics.name else { return }
    let note = statistics.changed ? "" : " (unchanged)"
    write("// after \(statistics.pass)\(note)\n\(graph.listing)")
  }
}
