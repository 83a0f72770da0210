/// Derives the output type of every node from its input types and attributes.
///
/// Each rule checks what it relies on (ranks, matching dimensions, dtypes, attribute values)
/// and reports violations as a ``GraphError`` naming the node, e.g.
/// `node 'fc2' (matmul): inner dimensions 128 and 64 differ`.
public enum ShapeInference {
  /// The output types of `node` given the types of its inputs (in order).
  ///
  /// Checks the node's signature (``Node/checkSignature()``) first.
  public static func outputTypes(of node: Node, inputTypes: [TensorType]) throws(GraphError)
    -> [TensorType]
  {
    try node.checkSignature()
    precondition(inputTypes.count == node.inputs.count, "one type per input")
    let rule = Rule(node: node, inputs: inputTypes)
    for (index, type) in inputTypes.enumerated() where type.checkedByteCount == nil {
      throw rule.error("input '\(node.inputs[index])' has invalid shape \(type.shape)")
    }
    let output = try rule.infer()
    try rule.requireSize(output, "output")
    return [output]
  }

  /// The most bytes all node outputs of one graph may add up to: 2^50 (1 PiB), so that sums over
  /// a graph's values (liveness, memory plans) cannot overflow `Int` either.
  public static let graphByteLimit = 1 << 50

  /// The types of all values of `graph`: inputs, weights and every node output.
  ///
  /// - Throws: ``GraphError`` at the first node that reads an undefined value or whose output
  ///   type cannot be derived or is over ``TensorType/byteLimit``, or when all outputs together
  ///   exceed ``graphByteLimit``.
  public static func valueTypes(of graph: Graph) throws(GraphError) -> [String: TensorType] {
    var types: [String: TensorType] = [:]
    for input in graph.inputs { types[input.name] = input.type }
    for (name, data) in graph.weights { types[name] = data.type }
    var totalBytes = 0
    for node in graph.nodes {
      var inputTypes: [TensorType] = []
      for input in node.inputs {
        guard let type = types[input] else {
          throw GraphError(node: node, "input '\(input)' is not defined before this node")
        }
        inputTypes.append(type)
      }
      let outputTypes = try outputTypes(of: node, inputTypes: inputTypes)
      for (name, type) in zip(node.outputs, outputTypes) {
        types[name] = type
        totalBytes += type.byteCount  // each ≤ 2^40, checked below after every add: no overflow
      }
      guard totalBytes <= graphByteLimit else {
        throw GraphError(node: node, "the graph's values exceed \(graphByteLimit) bytes in all")
      }
    }
    return types
  }

  /// The NumPy broadcast of two shapes, or `nil` if they are incompatible.
  ///
  /// Shapes are aligned at the trailing dimension; each pair must be equal or contain a 1.
  public static func broadcast(_ a: [Int], _ b: [Int]) -> [Int]? {
    let rank = Swift.max(a.count, b.count)
    var result = [Int](repeating: 1, count: rank)
    for index in 0..<rank {
      let x = index < rank - a.count ? 1 : a[index - (rank - a.count)]
      let y = index < rank - b.count ? 1 : b[index - (rank - b.count)]
      guard x == y || x == 1 || y == 1 else { return nil }
      result[index] = x == 1 ? y : x
    }
    return result
  }

  /// Resolves a Python-style slice `start:end:step` on an axis of `length` elements.
  ///
  /// Negative `start`/`end` count from the end; out-of-range values are clamped, exactly like
  /// Python's `slice.indices`. Returns the first index and the number of selected elements.
  ///
  /// - Precondition: `step != 0`.
  public static func sliceRange(start: Int, end: Int, step: Int, length: Int) -> (
    start: Int, count: Int
  ) {
    precondition(step != 0, "slice step must not be zero")
    let lower = step < 0 ? -1 : 0
    let upper = step < 0 ? length - 1 : length
    func clamp(_ index: Int) -> Int {
      let shifted = index < 0 ? index &+ length : index
      return Swift.min(Swift.max(shifted, lower), upper)
    }
    let first = clamp(start)
    let last = clamp(end)
    // Distances are at most length + 1, so only the step needs care against overflow.
    let distance = step > 0 ? last - first : first - last
    let magnitude = step == .min ? Int.max : Swift.abs(step)
    return (first, distance > 0 ? (distance - 1) / magnitude + 1 : 0)
  }

  /// The output extent of a convolution or pooling window along one axis:
  /// `(input + 2·padding − dilation·(kernel − 1) − 1) / stride + 1`.
  ///
  /// Returns 0 when the window does not fit, including when the arithmetic would overflow
  /// (absurd attribute values in an untrusted file must not crash the loader).
  public static func windowOutputSize(
    input: Int, kernel: Int, stride: Int, padding: Int, dilation: Int = 1
  ) -> Int {
    let (doublePadding, overflow1) = padding.multipliedReportingOverflow(by: 2)
    let (padded, overflow2) = input.addingReportingOverflow(doublePadding)
    let (reach, overflow3) = dilation.multipliedReportingOverflow(by: kernel - 1)
    let (span, overflow4) = padded.subtractingReportingOverflow(reach)
    guard !(overflow1 || overflow2 || overflow3 || overflow4), stride > 0, span >= 1 else {
      return 0
    }
    return (span - 1) / stride + 1
  }

  /// `axis` made non-negative for a tensor of `rank` dimensions, or `nil` if out of range.
  public static func normalizedAxis(_ axis: Int, rank: Int) -> Int? {
    let normalized = axis < 0 ? axis + rank : axis
    return (0..<rank).contains(normalized) ? normalized : nil
  }
}

/// The inference rule for one node, with helpers shared by the per-op extensions.
struct Rule {
  let node: Node
  let inputs: [TensorType]

  func error(_ message: String) -> GraphError { GraphError(node: node, message) }

  /// The type of input `index`, or `nil` when the optional input is absent.
  func optionalInput(_ index: Int) -> TensorType? { index < inputs.count ? inputs[index] : nil }

  /// Throws unless `type` (the output, or an intermediate the op implies) has non-negative
  /// dimensions and fits in ``TensorType/byteLimit``.
  func requireSize(_ type: TensorType, _ what: String) throws(GraphError) {
    guard type.checkedByteCount == nil else { return }
    throw error("\(what) \(type) is larger than the limit of \(TensorType.byteLimit) bytes per tensor")
  }

  /// The name of input `index` as declared by the schema, e.g. `weight`.
  func inputName(_ index: Int) -> String {
    let names = node.op.schema.inputNames
    return index < names.count ? names[index] : names.last ?? "input"
  }

  func axis(_ axis: Int, rank: Int, attribute: String = "axis") throws(GraphError) -> Int {
    guard let normalized = ShapeInference.normalizedAxis(axis, rank: rank) else {
      throw error("\(attribute) \(axis) is out of range for rank \(rank)")
    }
    return normalized
  }

  func requireFloat(_ index: Int) throws(GraphError) {
    let type = inputs[index]
    guard type.dtype.isFloatingPoint else {
      throw error("\(inputName(index)) must be f32 or f16, got \(type.dtype)")
    }
  }

  /// Requires a dtype that supports arithmetic (everything except quantized `i8`).
  func requireArithmetic(_ index: Int) throws(GraphError) {
    let type = inputs[index]
    guard type.dtype != .i8 else {
      throw error("\(inputName(index)) must be f32, f16, i32 or i64, got i8 (dequantize it first)")
    }
  }

  func requireSameDType(_ indices: [Int]) throws(GraphError) {
    guard let first = indices.first else { return }
    for index in indices.dropFirst() where inputs[index].dtype != inputs[first].dtype {
      throw error(
        "\(inputName(index)) dtype \(inputs[index].dtype) differs from \(inputName(first)) dtype \(inputs[first].dtype)"
      )
    }
  }

  func requireRank(_ index: Int, atLeast minimum: Int) throws(GraphError) {
    guard inputs[index].rank >= minimum else {
      throw error("\(inputName(index)) must have rank ≥ \(minimum), got \(inputs[index])")
    }
  }

  func requireRank(_ index: Int, exactly rank: Int) throws(GraphError) {
    guard inputs[index].rank == rank else {
      throw error("\(inputName(index)) must have rank \(rank), got \(inputs[index])")
    }
  }

  func requireShape(_ index: Int, _ shape: [Int], _ why: String) throws(GraphError) {
    guard inputs[index].shape == shape else {
      throw error("\(inputName(index)) must have shape \(shape) (\(why)), got \(inputs[index])")
    }
  }

  /// An integer-list attribute (or its default) with exactly `count` entries.
  func pair(_ name: String, count: Int = 2, minimum: Int) throws(GraphError) -> [Int] {
    let values = node.ints(name) ?? []
    guard values.count == count else {
      throw error("attribute '\(name)' must have \(count) values, got \(values)")
    }
    guard values.allSatisfy({ $0 >= minimum }) else {
      throw error("attribute '\(name)' values must be ≥ \(minimum), got \(values)")
    }
    return values
  }

  /// This rule restricted to the op's own inputs (without trailing epilogue inputs).
  var ownRule: Rule { Rule(node: node, inputs: Array(inputs.dropLast(node.epilogueInputCount))) }

  func infer() throws(GraphError) -> TensorType {
    switch node.op.category {
    case .unaryElementwise: try inferUnary()
    case .binaryElementwise: try inferBinary()
    case .selection: try inferSelect()
    case .matrix:
      try inferWithEpilogue { () throws(GraphError) in
        switch node.op {
        case .matmul: try ownRule.inferMatmul()
        case .sparseLinear: try ownRule.inferSparseLinear()
        default: try ownRule.inferLinear()
        }
      }
    case .convolution: try inferWithEpilogue { () throws(GraphError) in try ownRule.inferConv2d() }
    case .pooling: try inferPool2d()
    case .normalization: try inferNormalization()
    case .dataMovement: try inferDataMovement()
    case .reduction: try inferReduction()
    case .attention: try inferAttention()
    case .conversion: try inferConversion()
    case .fusedElementwise: try inferFusedElementwise()
    case .quantized: try inferQuantized()
    case .resampling: try inferResize()
    }
  }
}
