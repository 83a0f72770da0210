import TTKernels

/// Learned absolute positions: adds row `offset + i` of a trainable table to position `i` of
/// the input (like GPT-2's position embedding).
public final class PositionalEmbedding: Module {
  /// The table, shape `[maxLength, dimension]`.
  public let weight: Tensor

  /// The longest sequence the table covers.
  public var maxLength: Int { weight.shape[0] }
  /// Width of each position vector.
  public var dimension: Int { weight.shape[1] }

  /// Creates a table with values drawn from `N(0, std²)`.
  public init(maxLength: Int, dimension: Int, std: Float = 0.02, seed: UInt64? = nil) {
    ArgumentCheck.orStop { try PositionalEmbedding.validate(maxLength: maxLength, dimension: dimension) }
    weight = Tensor.randn([maxLength, dimension], std: std, seed: seed, requiresGrad: true)
    super.init()
  }

  /// Throws unless both sizes are positive.
  static func validate(maxLength: Int, dimension: Int) throws {
    try ArgumentCheck.require(
      maxLength > 0 && dimension > 0,
      "PositionalEmbedding(maxLength: \(maxLength), dimension: \(dimension)): both must be positive")
  }

  /// Adds positions `0..<length` to `input` of shape `[..., length, dimension]`.
  public override func forward(_ input: Tensor) throws -> Tensor { try forward(input, offset: 0) }

  /// Adds positions `offset..<offset + length` (used when earlier positions are cached).
  /// - Throws: when the positions run past ``maxLength`` or the input width differs.
  public func forward(_ input: Tensor, offset: Int) throws -> Tensor {
    try input.addingPositions(from: weight, offset: offset, op: "positional embedding")
  }
}

extension Tensor {
  /// `self + table[offset ..< offset + length]`, where `self` has shape `[..., length, width]`.
  func addingPositions(from table: Tensor, offset: Int, op: String) throws -> Tensor {
    guard rank >= 2, shape[rank - 1] == table.shape[1] else {
      throw TensorError.invalidArgument(
        "\(op): input shape \(shape) must be [..., length, \(table.shape[1])]")
    }
    let length = shape[rank - 2]
    guard offset >= 0, offset + length <= table.shape[0] else {
      throw TensorError.invalidArgument(
        "\(op): positions \(offset)..<\(offset + length) exceed the table of \(table.shape[0]) positions "
          + "(sequence too long; crop it to at most \(table.shape[0]) tokens)")
    }
    guard InferenceFusion.isAllowed else {
      return try self + table.slice(axis: 0, start: offset, end: offset + length)
    }
    // Nothing records: the same broadcasting add, reading the table's rows in place (no sliced copy).
    let width = table.shape[1]
    var out = [Float](repeating: 0, count: count)
    if count > 0 {
      scalars.withUnsafeBufferPointer { x in
        table.scalars.withUnsafeBufferPointer { positions in
          out.withUnsafeMutableBufferPointer { o in
            Elementwise.binary(
              .add, x.baseAddress!, shape, positions.baseAddress! + offset * width, [length, width],
              o.baseAddress!, shape)
          }
        }
      }
    }
    return Tensor(uncheckedShape: shape, scalars: out)
  }
}
