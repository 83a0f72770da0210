/// The static type of a tensor value: element type and shape.
///
/// Shapes are static: every dimension is a known non-negative integer.
/// A scalar has the empty shape `[]`.
public struct TensorType: Hashable, Sendable, CustomStringConvertible {
  /// The element type.
  public var dtype: DType
  /// The extent of each dimension, outermost first.
  public var shape: [Int]

  /// Creates a tensor type from an element type and a shape.
  public init(_ dtype: DType, _ shape: [Int]) {
    self.dtype = dtype
    self.shape = shape
  }

  /// The number of dimensions.
  public var rank: Int { shape.count }

  /// The number of elements (1 for a scalar). Traps on overflow; see
  /// ``checkedElementCount`` for untrusted shapes.
  public var elementCount: Int { shape.reduce(1, *) }

  /// The rows of a `[..., features]` operand of a matrix product (`linear`, `sparse_linear`,
  /// `quantized_linear`): the product of every axis but the last, 1 for a vector. Counted from
  /// the shape, never as `elementCount / features`, which is 0 for an empty inner dimension
  /// (`features` = 0) where the output still has these rows (docs/IR.md, "Empty tensors").
  public var rowCount: Int { shape.dropLast().reduce(1, *) }

  /// The number of bytes of a dense, contiguous tensor of this type.
  public var byteCount: Int { elementCount * dtype.byteSize }

  /// The largest tensor a model may describe: 2^40 bytes (1 TiB). Every graph input, weight,
  /// node output and op intermediate (docs/IR.md) must fit; shape inference refuses larger ones,
  /// naming the node. This keeps derived arithmetic (element and byte counts, offsets, sums over
  /// the values of a graph) far from `Int` overflow.
  public static let byteLimit = 1 << 40

  /// The byte count, or `nil` if a dimension is negative or the shape is too large.
  ///
  /// "Too large" means the byte count of the shape with its zero dimensions left out exceeds
  /// ``byteLimit``; this bounds every partial product, so code that multiplies some of the
  /// dimensions of a valid shape (say, to flatten them) cannot overflow.
  public var checkedByteCount: Int? {
    var count = dtype.byteSize
    for dim in shape {
      guard dim >= 0 else { return nil }
      let (product, overflow) = count.multipliedReportingOverflow(by: Swift.max(dim, 1))
      if overflow || product > Self.byteLimit { return nil }
      count = product
    }
    return shape.contains(0) ? 0 : count
  }

  /// The element count, or `nil` if a dimension is negative or the count overflows `Int`.
  public var checkedElementCount: Int? {
    checkedByteCount.map { _ in elementCount }
  }

  /// A compact spelling such as `f32[32, 64]` (`f32[]` for a scalar).
  public var description: String {
    "\(dtype)[\(shape.map(String.init).joined(separator: ", "))]"
  }
}
