/// A finite, indexable collection of examples, each a list of tensors (fields), e.g.
/// `[image, label]`.
public protocol Dataset {
  /// The number of examples.
  var count: Int { get }

  /// The fields of example `index` (`0 ..< count`).
  func example(at index: Int) throws -> [Tensor]

  /// The examples at `indices` collated into one tensor per field, each with a new leading
  /// batch axis. The default stacks ``example(at:)``; datasets backed by whole tensors
  /// override it to gather rows directly.
  ///
  /// - Throws: when an index is out of range or the examples' fields do not have matching shapes.
  func batch(at indices: [Int]) throws -> [Tensor]
}

extension Dataset {
  public func batch(at indices: [Int]) throws -> [Tensor] {
    let examples = try indices.map(example(at:))
    guard let first = examples.first else { return [] }
    return try first.indices.map { field in
      guard examples.allSatisfy({ $0.count == first.count }) else {
        throw TensorError.invalidArgument("dataset examples have different numbers of fields")
      }
      return try Tensor.stack(examples.map { $0[field] }).detached()
    }
  }
}

/// A dataset of tensors that share their first (example) axis, like PyTorch's
/// `TensorDataset`: example `i` is `[t[i] for t in tensors]`.
public struct TensorDataset: Dataset {
  /// The fields; each has `count` rows.
  public let tensors: [Tensor]

  /// - Throws: when no tensor is given, one is a scalar, or their first dimensions differ.
  public init(_ tensors: [Tensor]) throws {
    guard let first = tensors.first else {
      throw TensorError.invalidArgument("TensorDataset needs at least one tensor")
    }
    for (i, t) in tensors.enumerated() {
      guard t.rank >= 1 else {
        throw TensorError.invalidArgument("TensorDataset: tensor \(i) is a scalar; it needs an example axis")
      }
      guard t.shape[0] == first.shape[0] else {
        throw TensorError.invalidArgument(
          "TensorDataset: tensor \(i) has \(t.shape[0]) examples (shape \(t.shape)), "
            + "tensor 0 has \(first.shape[0])")
      }
    }
    self.tensors = tensors.map { $0.detached() }
  }

  /// Variadic form of the array initializer; throws for the same reasons.
  public init(_ tensors: Tensor...) throws { try self.init(tensors) }

  /// The length of the shared first axis.
  public var count: Int { tensors[0].shape[0] }

  /// Row `index` of every tensor.
  public func example(at index: Int) throws -> [Tensor] { try tensors.map { try $0[index] } }

  /// Rows `indices` of every tensor, gathered directly.
  public func batch(at indices: [Int]) throws -> [Tensor] {
    try tensors.map { try $0.rows(indices) }
  }
}
