/// An ordered set of named tensors: a model's parameters and buffers, or optimizer state.
public typealias StateDict = [(name: String, tensor: Tensor)]

/// What loading a state dict tolerated and converted, like the value PyTorch's
/// `load_state_dict` returns (`missing_keys`, `unexpected_keys`) plus the element types that
/// were converted to Float32.
public struct StateDictLoadReport: Sendable, Equatable, CustomStringConvertible {
  /// The model's tensors the state dict did not have (left unchanged; only with `strict: false`).
  public var missingKeys: [String] = []
  /// The state dict's entries the model does not have (ignored; only with `strict: false`).
  public var unexpectedKeys: [String] = []
  /// Entries converted to Float32, by name, with the element type they had in the file (`"F16"`,
  /// `"BF16"`, `"F64"`, `"I64"`, …).
  public var conversions: [String: String] = [:]
  /// The prefix the checkpoint's names carried (`"bert."`), when it nests the model in a larger
  /// one (``PyTorchConvention/checkpointPrefix``); nil when the names are the model's own.
  public var keyPrefix: String?

  /// One line per kind of finding, or `"loaded exactly"` when there is none.
  public var description: String {
    var lines: [String] = []
    let byType = Dictionary(grouping: conversions.keys.sorted()) { conversions[$0]! }
    for (type, names) in byType.sorted(by: { $0.key < $1.key }) {
      lines.append(
        "converted \(names.count) tensor\(names.count == 1 ? "" : "s") from \(type) to F32: \(Self.list(names))"
      )
    }
    if !missingKeys.isEmpty { lines.append("missing (left as they were): \(Self.list(missingKeys))") }
    if !unexpectedKeys.isEmpty { lines.append("unexpected (ignored): \(Self.list(unexpectedKeys))") }
    if let keyPrefix { lines.append("loaded from the names under '\(keyPrefix)'") }
    return lines.isEmpty ? "loaded exactly" : lines.joined(separator: "\n")
  }

  /// At most 8 names, then a count.
  static func list(_ names: [String]) -> String {
    let shown = names.prefix(8).joined(separator: ", ")
    return names.count > 8 ? "\(shown) and \(names.count - 8) more" : shown
  }
}

/// The differences between a state dict and a model, collected so that one error lists all of
/// them (PyTorch's `strict` semantics: missing and unexpected keys are errors only when strict;
/// a shape mismatch always is).
struct StateDictMismatch {
  var missing: [(name: String, shape: [Int])] = []
  var unexpected: [(name: String, shape: [Int])] = []
  var misshapen: [String] = []

  /// Throws one `TensorError` naming every problem, prefixed by `context`.
  func check(strict: Bool, context: String) throws {
    var problems = misshapen
    if strict {
      problems = missing.map { "missing tensor '\($0.name)' (shape \($0.shape))" } + problems
      problems += unexpected.map { "unexpected tensor '\($0.name)' (shape \($0.shape)) not in the model" }
    }
    guard problems.isEmpty else {
      let count = problems.count == 1 ? "" : "\(problems.count) problems: "
      throw TensorError.invalidArgument("\(context): \(count)" + problems.joined(separator: "; "))
    }
  }

  /// The report of a load that passed ``check(strict:context:)``.
  var report: StateDictLoadReport {
    StateDictLoadReport(missingKeys: missing.map(\.name), unexpectedKeys: unexpected.map(\.name))
  }
}

extension Module {
  /// Copies of every parameter and buffer, with dotted names, in a stable order.
  public func stateDict() -> StateDict {
    namedTensors().map { (name: $0.0, tensor: $0.1.detached()) }
  }

  /// Loads values into this module's parameters and buffers, with PyTorch's `strict` semantics.
  ///
  /// Throws one error listing every problem: tensors with the wrong shape, and (with `strict`)
  /// every missing and every unexpected entry. With `strict: false`, missing tensors keep their
  /// values and unexpected entries are ignored; the report lists both. Nothing is modified
  /// unless every check passes.
  @discardableResult
  public func loadStateDict(_ state: StateDict, strict: Bool = true) throws -> StateDictLoadReport {
    var byName: [String: Tensor] = [:]
    for (name, tensor) in state { byName[name] = tensor }
    let own = namedTensors()
    var mismatch = StateDictMismatch()
    for (name, tensor) in own {
      guard let value = byName[name] else {
        mismatch.missing.append((name, tensor.shape))
        continue
      }
      if value.shape != tensor.shape {
        mismatch.misshapen.append(
          "tensor '\(name)' has shape \(value.shape), the model expects \(tensor.shape)")
      }
    }
    let known = Set(own.map { $0.0 })
    mismatch.unexpected = state.filter { !known.contains($0.name) }.map { ($0.name, $0.tensor.shape) }
    try mismatch.check(strict: strict, context: "loadStateDict")
    for (name, tensor) in own {
      if let value = byName[name] { tensor.scalars = value.scalars }
    }
    return mismatch.report
  }
}
