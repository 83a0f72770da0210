/// A (height, width) pair for kernel sizes, strides, paddings and dilations.
///
/// An integer literal means the same value for both axes: `stride: 2` is `Size2D(2, 2)`.
public struct Size2D: Sendable, Equatable, ExpressibleByIntegerLiteral, CustomStringConvertible {
  /// The vertical extent.
  public var height: Int
  /// The horizontal extent.
  public var width: Int

  /// A pair of possibly different values.
  public init(_ height: Int, _ width: Int) {
    self.height = height
    self.width = width
  }

  /// The same value for both axes.
  public init(_ both: Int) { self.init(both, both) }

  /// `2` means `Size2D(2, 2)`.
  public init(integerLiteral value: Int) { self.init(value) }

  /// `[height, width]`, the form used by traced attributes.
  public var pair: [Int] { [height, width] }

  var tuple: (Int, Int) { (height, width) }

  /// `[height, width]`.
  public var description: String { "[\(height), \(width)]" }
}
