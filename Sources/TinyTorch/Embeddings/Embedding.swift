/// A lookup table from token ids to learned vectors (like `torch.nn.Embedding`).
///
/// The input holds whole-number ids of any shape; the output has one more axis of length
/// ``dimension``. The gradient scatter-adds into the rows that were looked up (a row used
/// twice receives both gradients).
public final class Embedding: Module {
  /// The table, shape `[vocabularySize, dimension]`.
  public let weight: Tensor

  /// Number of rows (valid ids are `0..<vocabularySize`).
  public var vocabularySize: Int { weight.shape[0] }
  /// Length of each vector.
  public var dimension: Int { weight.shape[1] }

  /// Creates a table with values drawn from `N(0, std²)`.
  /// - Parameters:
  ///   - vocabularySize: the number of rows (ids `0..<vocabularySize`).
  ///   - dimension: the length of each vector.
  ///   - std: the standard deviation of the initial values.
  ///   - seed: seeds the initializer; the global generator is used when nil.
  public init(vocabularySize: Int, dimension: Int, std: Float = 1, seed: UInt64? = nil) {
    ArgumentCheck.orStop { try Embedding.validate(vocabularySize: vocabularySize, dimension: dimension) }
    weight = Tensor.randn([vocabularySize, dimension], std: std, seed: seed, requiresGrad: true)
    super.init()
  }

  /// Throws unless both sizes are positive.
  static func validate(vocabularySize: Int, dimension: Int) throws {
    try ArgumentCheck.require(
      vocabularySize > 0 && dimension > 0,
      "Embedding(vocabularySize: \(vocabularySize), dimension: \(dimension)): both must be positive")
  }

  public override var settingsDescription: String { "\(vocabularySize) × \(dimension)" }

  /// The vectors of `ids` (shape `ids.shape + [dimension]`).
  /// - Throws: ``TensorError/indexOutOfRange(op:index:bound:)`` for an id outside the
  ///   vocabulary, ``TensorError/invalidArgument(_:)`` for a value that is not a whole number.
  public override func forward(_ ids: Tensor) throws -> Tensor {
    for v in ids.scalars where !(v >= 0 && v < Float(vocabularySize) && v == v.rounded()) {
      if v == v.rounded() && v.isFinite {
        throw TensorError.indexOutOfRange(op: "embedding token id", index: Int(v), bound: vocabularySize)
      }
      throw TensorError.invalidArgument("embedding: token id \(v) is not a whole number")
    }
    return try weight.gather(axis: 0, indices: ids)
  }

  /// The vectors of a batch of id sequences `[batch][length]` (shape `[batch, length, dimension]`).
  public func callAsFunction(_ ids: [[Int]]) throws -> Tensor {
    try forward(Tensor.tokenIDs(ids))
  }
}

extension Tensor {
  /// A `[batch, length]` tensor of token ids from equally long sequences.
  public static func tokenIDs(_ sequences: [[Int]]) throws -> Tensor {
    let length = sequences.first?.count ?? 0
    guard sequences.allSatisfy({ $0.count == length }) else {
      throw TensorError.invalidArgument(
        "tokenIDs: sequences must have equal lengths, got \(sequences.map(\.count))")
    }
    return Tensor(
      uncheckedShape: [sequences.count, length], scalars: sequences.flatMap { $0.map(Float.init) })
  }
}
