import TTIR

/// Magnitude pruning of trained weights, in the spirit of PyTorch's `torch.nn.utils.prune`.
///
/// Pruning zeroes values and records a mask on the tensor (``Tensor/pruningMask``); every
/// ``Optimizer`` step re-applies the mask, so fine-tuning keeps pruned weights at zero.
/// ``removeMasks(from:)`` makes pruning permanent (the zeros stay, the masks go).
///
/// ```swift
/// try Pruning.globalMagnitude(model.prunableWeights().map(\.tensor), sparsity: 0.8)
/// try Pruning.structured(model.hidden, fraction: 0.5, norm: .l1)  // half the hidden neurons
/// print(SparsityReport(model))
/// ```
///
/// Sparsities and fractions must lie in `[0, 1)`; the number of values (or units) pruned is
/// `round(sparsity · count)`, smallest first, ties broken by position (`TTIR.PruningRanking`, shared
/// with the graph passes).
public enum Pruning {
  /// Prunes the `sparsity` fraction of `tensor`'s values with the smallest magnitude.
  ///
  /// The new mask replaces any earlier one; values pruned before rank first, so pruning again to
  /// a higher sparsity keeps them pruned.
  /// - Throws: `TensorError.invalidArgument` when `sparsity` is outside `[0, 1)`.
  public static func magnitude(_ tensor: Tensor, sparsity: Double) throws {
    try globalMagnitude([tensor], sparsity: sparsity)
  }

  /// Prunes the `sparsity` fraction of all values of `tensors` together, smallest magnitude
  /// first: layers with many small weights lose more than others (PyTorch's
  /// `global_unstructured`).
  /// - Throws: `TensorError.invalidArgument` when `sparsity` is outside `[0, 1)`.
  public static func globalMagnitude(_ tensors: [Tensor], sparsity: Double) throws {
    try validate(sparsity, "sparsity", in: "Pruning.globalMagnitude")
    // One key per value: already-pruned values rank below every magnitude.
    let keys = tensors.map { tensor in
      let mask = tensor.pruningMask
      return tensor.scalars.indices.map { mask?[$0] == 0 ? -1 : Swift.abs(tensor.scalars[$0]) }
    }
    let count = PruningRanking.prunedCount(sparsity, of: keys.reduce(0) { $0 + $1.count })
    let pruned = PruningRanking.smallest(count, acrossGroups: keys)
    for (tensor, positions) in zip(tensors, pruned) {
      var mask = [Float](repeating: 1, count: tensor.count)
      for position in positions { mask[position] = 0 }
      tensor.setPruningMask(mask)
    }
  }

  /// Prunes whole output units of `layer` with the smallest `norm`: the `fraction` of a
  /// ``Linear``'s neurons (weight columns and their bias entries) or of a ``Conv2d``'s output
  /// channels (filters and their bias entries).
  ///
  /// The units' mask is combined with any earlier mask, so values pruned before stay pruned;
  /// units already fully pruned rank first. The shapes do not change here: the graph pass
  /// `prune-structured` removes the units from an exported model.
  /// - Throws: `TensorError.invalidArgument` when `fraction` is outside `[0, 1)` or `layer` is
  ///   neither a `Linear` nor a `Conv2d`.
  public static func structured(_ layer: Module, fraction: Double, norm: TTIR.PruningNorm = .l1) throws {
    try validate(fraction, "fraction", in: "Pruning.structured")
    guard let units = OutputUnits(layer) else {
      throw TensorError.invalidArgument(
        "Pruning.structured: \(type(of: layer)) has no output units to prune (use Linear or Conv2d)")
    }
    let keys = (0..<units.count).map { unit -> Float in
      let values = units.weightIndices(of: unit)
      let pruned = units.weight.pruningMask.map { mask in values.allSatisfy { mask[$0] == 0 } } ?? false
      return pruned ? -1 : norm.of(values.map { units.weight.scalars[$0] })
    }
    let prunedUnits = PruningRanking.smallest(PruningRanking.prunedCount(fraction, of: units.count), of: keys)
    var weightMask = units.weight.pruningMask ?? [Float](repeating: 1, count: units.weight.count)
    for unit in prunedUnits { for i in units.weightIndices(of: unit) { weightMask[i] = 0 } }
    units.weight.setPruningMask(weightMask)
    if let bias = units.bias {
      var biasMask = bias.pruningMask ?? [Float](repeating: 1, count: bias.count)
      for unit in prunedUnits { biasMask[unit] = 0 }
      bias.setPruningMask(biasMask)
    }
  }

  /// Makes pruning permanent: removes the masks of every tensor of `model` (pruned values stay
  /// zero, but later optimizer steps may change them).
  public static func removeMasks(from model: Module) {
    for (_, tensor) in model.namedTensors() { tensor.pruningMask = nil }
  }

  static func validate(_ value: Double, _ name: String, in function: String) throws {
    if let problem = PruningRanking.problem(with: value, named: name) {
      throw TensorError.invalidArgument("\(function): \(problem)")
    }
  }
}

/// The output units of a layer: a `Linear`'s neurons (weight columns) or a `Conv2d`'s output
/// channels (leading weight slices).
struct OutputUnits {
  let weight: Tensor
  let bias: Tensor?
  /// The number of units.
  let count: Int
  /// Whether unit `u` is column `u` of a row-major `[in, count]` matrix (else the contiguous
  /// slice `u` of the leading axis).
  let isColumn: Bool

  init?(_ layer: Module) {
    switch layer {
    case let linear as Linear:
      (weight, bias, count, isColumn) = (linear.weight, linear.bias, linear.outFeatures, true)
    case let conv as Conv2d:
      (weight, bias, count, isColumn) = (conv.weight, conv.bias, conv.outChannels, false)
    default: return nil
    }
  }

  /// The positions in `weight.scalars` that belong to `unit`.
  func weightIndices(of unit: Int) -> StrideTo<Int> {
    let perUnit = weight.count / count
    return isColumn
      ? stride(from: unit, to: weight.count, by: count)
      : stride(from: unit * perUnit, to: (unit + 1) * perUnit, by: 1)
  }
}

extension Tensor {
  /// Records `mask` and zeroes the values it prunes.
  func setPruningMask(_ mask: [Float]) {
    pruningMask = mask
    applyPruningMask()
  }

  /// Zeroes the values the pruning mask prunes (nothing without a mask).
  func applyPruningMask() {
    guard let mask = pruningMask else { return }
    updateScalars { values in for i in values.indices where mask[i] == 0 { values[i] = 0 } }
  }
}

extension Module {
  /// The weights that pruning targets, with dotted names: those of every ``Linear`` and
  /// ``Conv2d`` layer (biases and normalization parameters are left alone).
  public func prunableWeights() -> [(name: String, tensor: Tensor)] {
    var result: [(name: String, tensor: Tensor)] = []
    if let units = OutputUnits(self) { result.append(("weight", units.weight)) }
    for (name, child) in namedChildren() {
      result += child.prunableWeights().map { ("\(name).\($0.name)", $0.tensor) }
    }
    var seen: Set<ObjectIdentifier> = []
    return result.filter { seen.insert(ObjectIdentifier($0.tensor)).inserted }
  }
}

/// The norm that ranks units in structured pruning (``Pruning/structured(_:fraction:norm:)``).
public typealias PruningNorm = TTIR.PruningNorm
