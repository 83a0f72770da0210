/// How pruning chooses what to remove; one source for eager pruning (TinyTorch's `Pruning`) and
/// the graph passes (`prune-magnitude`, `prune-structured`).
///
/// The number pruned from `count` candidates is `round(fraction · count)`, and candidates are
/// ranked by a key (magnitude or norm), smallest first, ties broken by position, so the choice
/// never depends on a sort's stability.
public enum PruningRanking {
  /// Why `fraction` (called `name` in the message) cannot be pruned, or nil when it lies in
  /// `[0, 1)`: e.g. `sparsity 1.5 is outside [0, 1)`.
  public static func problem(with fraction: Double, named name: String) -> String? {
    fraction >= 0 && fraction < 1 ? nil : "\(name) \(fraction) is outside [0, 1)"
  }

  /// `round(fraction · count)`.
  public static func prunedCount(_ fraction: Double, of count: Int) -> Int {
    Int((fraction * Double(count)).rounded())
  }

  /// The positions of the `count` smallest `keys`, ties broken by position, in increasing order
  /// of key.
  public static func smallest(_ count: Int, of keys: [Float]) -> [Int] {
    keys.indices.sorted { (keys[$0], $0) < (keys[$1], $1) }.prefix(count).map { $0 }
  }

  /// The `count` smallest keys of all `groups` ranked together (back to back, so ties go to the
  /// earlier group), as positions within each group, in increasing order: what global pruning
  /// removes from each tensor.
  public static func smallest(_ count: Int, acrossGroups groups: [[Float]]) -> [[Int]] {
    var starts: [Int] = []
    var keys: [Float] = []
    for group in groups {
      starts.append(keys.count)
      keys += group
    }
    var positions = groups.map { _ in [Int]() }
    var owner = 0
    for position in smallest(count, of: keys).sorted() {
      while owner + 1 < starts.count && starts[owner + 1] <= position { owner += 1 }
      positions[owner].append(position - starts[owner])
    }
    return positions
  }
}

/// Which values unstructured magnitude pruning ranks together.
public enum PruningScope: String, Sendable, CaseIterable {
  /// Each weight on its own: every layer ends at the same sparsity.
  case layer
  /// All weights together: layers with many small values lose more (PyTorch's
  /// `global_unstructured`).
  case global
}

/// The norm that ranks units (neurons, channels) in structured pruning.
public enum PruningNorm: String, Sendable, CaseIterable {
  /// Sum of absolute values.
  case l1
  /// Euclidean norm.
  case l2

  /// This norm of `values`.
  public func of(_ values: some Sequence<Float>) -> Float {
    switch self {
    case .l1: values.reduce(0) { $0 + Swift.abs($1) }
    case .l2: values.reduce(0) { $0 + $1 * $1 }.squareRoot()
    }
  }
}
