import TTIR

/// Why a pipeline could not be built or run; each description is one line naming the pass.
public enum PassError: Error, Sendable, CustomStringConvertible {
  /// No registered pass has this name.
  case unknownPass(String, known: [String])
  /// A print-after request names no pass in the pipeline.
  case notInPipeline(String, pipeline: [String])
  /// A pass needs an option the caller did not give.
  case missingOption(pass: String, String)
  /// An option value a pass cannot take.
  case invalidOption(pass: String, String)
  /// The graph given to the manager does not verify.
  case invalidInput(GraphError)
  /// A pass left a graph the verifier rejects.
  case invalidGraph(pass: String, GraphError)
  /// A pass threw.
  case failed(pass: String, String)

  public var description: String {
    switch self {
    case .unknownPass(let name, let known):
      "unknown pass '\(name)' (known passes: \(known.joined(separator: ", ")))"
    case .notInPipeline(let name, let pipeline):
      "no pass '\(name)' in the pipeline to print after "
        + (pipeline.isEmpty ? "(it is empty)" : "(it runs: \(pipeline.joined(separator: ", ")))")
    case .missingOption(let pass, let what): "pass '\(pass)' needs \(what)"
    case .invalidOption(let pass, let problem): "pass '\(pass)': \(problem)"
    case .invalidInput(let error): "the graph is invalid before any pass ran: \(error)"
    case .invalidGraph(let pass, let error): "pass '\(pass)' produced an invalid graph: \(error)"
    case .failed(let pass, let message): "pass '\(pass)' failed: \(message)"
    }
  }
}
