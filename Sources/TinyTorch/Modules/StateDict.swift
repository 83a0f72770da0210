/// An ordered set of named tensors: a model's parameters and buffers, or optimizer state.
public typealias StateDict = [(name: String, tensor: Tensor)]

extension Module {
  /// Copies of every parameter and buffer, with dotted names, in a stable order.
  public func stateDict() -> StateDict {
    namedTensors().map { (name: $0.0, tensor: $0.1.detached()) }
  }

  /// Loads values into this module's parameters and buffers.
  ///
  /// Throws, naming the tensor, when an entry is missing, has the wrong shape, or (with
  /// `strict`) when the dictionary has entries the module does not know. Nothing is modified
  /// unless every check passes.
  public func loadStateDict(_ state: StateDict, strict: Bool = true) throws {
    var byName: [String: Tensor] = [:]
    for (name, tensor) in state { byName[name] = tensor }
    let own = namedTensors()
    for (name, tensor) in own {
      guard let value = byName[name] else {
        throw TensorError.invalidArgument("loadStateDict: missing tensor '\(name)' (shape \(tensor.shape))")
      }
      guard value.shape == tensor.shape else {
        throw TensorError.invalidArgument(
          "loadStateDict: tensor '\(name)' has shape \(value.shape), the model expects \(tensor.shape)")
      }
    }
    if strict {
      let known = Set(own.map { $0.0 })
      if let extra = state.map(\.name).first(where: { !known.contains($0) }) {
        throw TensorError.invalidArgument("loadStateDict: unexpected tensor '\(extra)' not in the model")
      }
    }
    for (name, tensor) in own { tensor.scalars = byName[name]!.scalars }
  }
}
