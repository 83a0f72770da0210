import TTIR

/// How a module's tensors are named and laid out in the PyTorch `state_dict` of the matching
/// `torch.nn` module, declared by the module itself (``Module/pytorchConvention``) so that
/// checkpoints load with one call and no renaming at the call site.
///
/// Names are mapped one property at a time: ``names`` renames an own tensor or a child (a
/// child renamed to `""` disappears from the path, as ``Sequential``'s `layers` does:
/// `layers.0.weight` is `0.weight` in PyTorch). Everything not listed keeps its Swift name.
public struct PyTorchConvention: Sendable {
  /// Swift property name → PyTorch name, for the members whose names differ.
  public var names: [String: String]
  /// Own tensors stored transposed in PyTorch (``Linear``'s weight is `[in, out]` here and
  /// `[out, in]` in `torch.nn.Linear`).
  public var transposed: Set<String>
  /// PyTorch buffers without a counterpart here, accepted (and ignored) when loading and written
  /// with these values when saving, e.g. `BatchNorm2d`'s `num_batches_tracked`.
  public var extraBuffers: [String: TensorData]
  /// The attribute under which larger models nest this one in their checkpoints (Hugging Face's
  /// `base_model_prefix`, e.g. `"bert"`: `BertForMaskedLM` stores `bert.embeddings.…` next to its
  /// head `cls.…`). When this module is the one loading, a checkpoint with none of its own names
  /// but names under `prefix.` loads from those; it matters only on the module loaded.
  public var checkpointPrefix: String?

  /// A convention; by default every name is the Swift name and no tensor is transposed.
  public init(
    names: [String: String] = [:], transposed: Set<String> = [], extraBuffers: [String: TensorData] = [:],
    checkpointPrefix: String? = nil
  ) {
    self.names = names
    self.transposed = transposed
    self.extraBuffers = extraBuffers
    self.checkpointPrefix = checkpointPrefix
  }
}

/// One tensor of a module tree under its PyTorch name.
struct PyTorchEntry {
  /// The dotted PyTorch name, e.g. `"0.weight"`.
  let name: String
  /// The Swift name, e.g. `"layers.0.weight"`.
  let swiftName: String
  /// The module's tensor.
  let tensor: Tensor
  /// Whether PyTorch stores it transposed (a matrix).
  let isTransposed: Bool

  /// The shape the tensor has in a PyTorch state dict.
  var pytorchShape: [Int] { isTransposed ? tensor.shape.reversed() : tensor.shape }
}

extension Module {
  /// Every parameter and buffer under its PyTorch name (each tensor once, under its first
  /// name), plus the names of PyTorch-only buffers with the values to save for them.
  func pytorchEntries() -> (tensors: [PyTorchEntry], extras: [(name: String, data: TensorData)]) {
    var tensors: [PyTorchEntry] = []
    var extras: [(name: String, data: TensorData)] = []
    var seen: Set<ObjectIdentifier> = []
    func join(_ prefix: String, _ name: String) -> String {
      prefix.isEmpty ? name : name.isEmpty ? prefix : prefix + "." + name
    }
    func visit(_ module: Module, pytorchPrefix: String, swiftPrefix: String) {
      let convention = module.pytorchConvention
      func rename(_ swiftName: String) -> String {
        // Arrays of members are named "property.index": the property is what gets renamed.
        let parts = swiftName.split(separator: ".", maxSplits: 1).map(String.init)
        let renamed = convention.names[parts[0]] ?? parts[0]
        return parts.count == 1 ? renamed : join(renamed, parts[1])
      }
      for (name, tensor) in module.ownTensors() where seen.insert(ObjectIdentifier(tensor)).inserted {
        tensors.append(
          PyTorchEntry(
            name: join(pytorchPrefix, rename(name)), swiftName: join(swiftPrefix, name), tensor: tensor,
            isTransposed: convention.transposed.contains(name) && tensor.rank == 2))
      }
      for (name, data) in convention.extraBuffers.sorted(by: { $0.key < $1.key }) {
        extras.append((join(pytorchPrefix, name), data))
      }
      for (name, child) in module.namedChildren() {
        visit(child, pytorchPrefix: join(pytorchPrefix, rename(name)), swiftPrefix: join(swiftPrefix, name))
      }
    }
    visit(self, pytorchPrefix: "", swiftPrefix: "")
    return (tensors, extras)
  }
}
