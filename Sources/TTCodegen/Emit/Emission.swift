import TTIR

/// The body of one node's block: C statements reading `inputs` and writing `output`.
struct Emission {
  let context: NodeContext
  /// C pointer names of the inputs, in order.
  let inputs: [String]
  /// C pointer name of the output.
  let output: String
  /// A `float *` expression for the node's scratch space, if it has any.
  let scratch: String?
  /// Whether the output is a view of the input (reshape/flatten not copied).
  let isView: Bool
  /// Where the packed form of the node's weight lies, when the blob has it (embedded weights): the
  /// `tt_qpack_grouped` form of a `quantized_linear`'s or `quantized_conv2d`'s
  /// (``NodeContext/int8Packing``), the
  /// `tt_sgemm_pack_b_isa` form of a `linear`/`matmul`'s (`Graph.packedF32Weight(of:)`), the
  /// `tt_conv2d_pack_isa` form of a `conv2d`'s (``NodeContext/convolutionPacking``).
  var packedWeights: String? = nil

  var node: Node { context.node }
  var outShape: [Int] { context.outputType.shape }
  var outType: DType { context.outputType.dtype }
  var count: Int { context.outputType.elementCount }

  mutating func body() throws(CodegenError) -> [String] {
    switch node.op.category {
    case .unaryElementwise: return try unary()
    case .binaryElementwise: return try binary()
    case .selection: return select()
    case .matrix: return try matrix() + epilogue()
    case .convolution: return try spatial() + epilogue()
    case .pooling: return try spatial()
    case .normalization: return try normalization()
    case .dataMovement: return try dataMovement()
    case .reduction: return try reduction()
    case .attention: return try attention()
    case .conversion: return conversion()
    case .fusedElementwise: return try fusedElementwise()
    case .quantized: return quantized()
    case .resampling: return try resize()
    }
  }

  /// The node's `axis` attribute (`fallback` when absent) normalized against `shape`, with the
  /// element counts before, along and after that axis (a scalar shape is one element).
  func axisSplit(_ shape: [Int], fallback: Int) -> (axis: Int, outer: Int, length: Int, inner: Int) {
    let axis = ShapeInference.normalizedAxis(node.int("axis") ?? fallback, rank: shape.count) ?? 0
    if shape.isEmpty { return (0, 1, 1, 1) }
    return (axis, shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
  }

  /// A flat loop writing every output element from an expression of the index `i`.
  func flatLoop(_ value: String) -> [String] {
    ["for (int64_t i = 0; i < \(count); i++) {", "  \(output)[i] = \(CSyntax.store(value, outType));", "}"]
  }
}
