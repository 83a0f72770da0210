/// Everything that can go wrong while compiling a graph to a shared library.
public enum CodegenError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The graph cannot be lowered to C (e.g. an op/dtype combination the C backend lacks).
  case unsupported(String)
  /// No C compiler could be found or started, or a helper program failed to run.
  case toolFailed(String)
  /// clang rejected the generated C; carries clang's diagnostics and where the C file was kept.
  case compilationFailed(command: String, diagnostics: String, keptSource: String)
  /// libclang found an error in the generated C, attributed to the graph node whose block holds it.
  case invalidGeneratedC(node: String?, diagnostic: String, keptSource: String?)
  /// A file could not be read or written.
  case io(String)

  /// A readable explanation.
  public var description: String {
    switch self {
    case .unsupported(let message): return message
    case .toolFailed(let message): return message
    case let .compilationFailed(command, diagnostics, keptSource):
      return "C compilation failed (generated C kept at \(keptSource)):\n$ \(command)\n\(diagnostics)"
    case let .invalidGeneratedC(node, diagnostic, keptSource):
      let location = node.map { "in the block of node '\($0)'" } ?? "outside any node block"
      let kept = keptSource.map { " (generated C kept at \($0))" } ?? ""
      return "generated C is invalid \(location)\(kept): \(diagnostic)"
    case .io(let message): return message
    }
  }
}
