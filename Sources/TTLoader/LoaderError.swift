/// Why a compiled library could not be loaded or run.
public enum LoaderError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The file does not exist.
  case missingFile(String)
  /// `dlopen` refused the file (not a shared library, missing symbols, wrong architecture).
  case notALibrary(path: String, reason: String)
  /// The library was built for another ABI version.
  case abiMismatch(path: String, found: UInt32, expected: UInt32)
  /// The library was compiled from another graph.
  case graphMismatch(path: String, found: String, expected: String)
  /// The inputs passed to `run` do not match the model.
  case badInput(String)
  /// The compiled code reported a failure.
  case runFailed(status: Int32, meaning: String)

  /// A readable explanation.
  public var description: String {
    switch self {
    case .missingFile(let path): return "no compiled model at \(path)"
    case let .notALibrary(path, reason): return "\(path) is not a loadable ttc model library: \(reason)"
    case let .abiMismatch(path, found, expected):
      return "\(path) was built for model ABI \(found), this loader speaks ABI \(expected); recompile it"
    case let .graphMismatch(path, found, expected):
      return
        "\(path) was compiled from graph \(found.prefix(16))…, expected \(expected.prefix(16))…; recompile it"
    case .badInput(let message): return message
    case let .runFailed(status, meaning): return "compiled model failed with status \(status): \(meaning)"
    }
  }
}
