import TTIR

/// The graph a pipeline produced, with what every pass did.
public struct PassResult: Sendable {
  /// The rewritten graph (verified).
  public var graph: Graph
  /// One entry per pass, in pipeline order.
  public var statistics: [PassStatistics]
}

/// Runs a ``Pipeline``: verifies the graph once, then runs each pass, verifies the graph after
/// every pass that changed it, records ``PassStatistics`` and calls the instruments.
///
/// ```swift
/// let result = try PassManager(pipeline: .level(.O2)).run(graph)
/// print(result.statistics.map(\.pass), result.graph.nodes.count)
/// ```
public struct PassManager {
  /// The passes to run.
  public var pipeline: Pipeline
  /// Observers called after every pass (e.g. ``GraphPrinter``).
  public var instruments: [any PassInstrument]

  /// A manager for `pipeline`.
  public init(pipeline: Pipeline, instruments: [any PassInstrument] = []) {
    self.pipeline = pipeline
    self.instruments = instruments
  }

  /// Runs every pass on `graph`.
  ///
  /// - Throws: ``PassError``: the input does not verify; a pass threw (named); a pass left an
  ///   invalid graph (the pass and the node named).
  public func run(_ graph: Graph) throws(PassError) -> PassResult {
    do {
      try graph.verify()
    } catch {
      throw .invalidInput(error)
    }
    var graph = graph
    var statistics: [PassStatistics] = []
    let clock = ContinuousClock()
    for pass in pipeline.passes {
      var context = PassContext(evaluator: pipeline.options.evaluator)
      let (nodesBefore, weightBytesBefore) = (graph.nodes.count, graph.weightBytes)
      let start = clock.now
      let changed: Bool
      do {
        changed = try pass.run(&graph, context: &context)
      } catch let error as PassError {
        throw error
      } catch {
        throw .failed(pass: pass.name, "\(error)")
      }
      let elapsed = start.duration(to: clock.now).components
      if changed {
        do {
          try graph.verify()
        } catch {
          throw .invalidGraph(pass: pass.name, error)
        }
      }
      let record = PassStatistics(
        name: pass.name, pass: pass.label, changed: changed, nodesBefore: nodesBefore,
        nodesAfter: graph.nodes.count,
        nodesFused: context.nodesFused, weightBytesBefore: weightBytesBefore,
        weightBytesAfter: graph.weightBytes,
        seconds: Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18, counters: context.counters)
      statistics.append(record)
      for instrument in instruments { instrument.didRun(record, graph: graph) }
    }
    return PassResult(graph: graph, statistics: statistics)
  }
}
