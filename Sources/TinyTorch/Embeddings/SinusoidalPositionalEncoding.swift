import Foundation

/// Fixed sinusoidal positions ("Attention Is All You Need"): for position `p` and column pair
/// `2i, 2i+1`, `sin(p / base^(2i/d))` and `cos(p / base^(2i/d))`. With an odd width the last
/// column is the sine of its pair. The table is a buffer, not a parameter.
public final class SinusoidalPositionalEncoding: Module {
  /// The table, shape `[maxLength, dimension]`.
  public let table: Tensor

  /// The longest sequence the table covers.
  public var maxLength: Int { table.shape[0] }

  /// Precomputes `maxLength` positions of width `dimension`.
  public init(maxLength: Int, dimension: Int, base: Float = 10_000) {
    table = Tensor.sinusoidalPositions(length: maxLength, dimension: dimension, base: base)
    super.init()
  }

  /// Adds positions `0..<length` to `input` of shape `[..., length, dimension]`.
  public override func forward(_ input: Tensor) throws -> Tensor { try forward(input, offset: 0) }

  /// Adds positions `offset..<offset + length`.
  /// - Throws: when the positions run past ``maxLength`` or the input width differs.
  public func forward(_ input: Tensor, offset: Int) throws -> Tensor {
    try input.addingPositions(from: table, offset: offset, op: "sinusoidal positional encoding")
  }
}

extension Tensor {
  /// The sinusoidal position table of shape `[length, dimension]` (see
  /// ``SinusoidalPositionalEncoding``). Computed in double precision.
  public static func sinusoidalPositions(length: Int, dimension: Int, base: Float = 10_000) -> Tensor {
    var values = [Float](repeating: 0, count: length * dimension)
    for p in 0..<length {
      for c in 0..<dimension {
        let pairStart = Double(c - c % 2)
        let angle = Double(p) / Foundation.pow(Double(base), pairStart / Double(dimension))
        values[p * dimension + c] = Float(c % 2 == 0 ? Foundation.sin(angle) : Foundation.cos(angle))
      }
    }
    return Tensor(uncheckedShape: [length, dimension], scalars: values)
  }
}
