/// A named, typed value at the boundary of a graph (a graph input or output).
public struct ValueInfo: Hashable, Sendable, CustomStringConvertible {
  /// The value name, unique within the graph.
  public var name: String
  /// The value's static type.
  public var type: TensorType

  /// Creates a value description.
  public init(name: String, type: TensorType) {
    self.name = name
    self.type = type
  }

  /// Creates a value description from a name, element type and shape.
  public init(_ name: String, _ dtype: DType, _ shape: [Int]) {
    self.init(name: name, type: TensorType(dtype, shape))
  }

  /// `name: f32[1, 64]`.
  public var description: String { "\(name): \(type)" }
}
