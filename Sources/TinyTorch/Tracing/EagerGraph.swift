import TTIR

/// Runs an IR graph with eager tensor ops, one submodule per node (`nodes.0`, `nodes.1`, …), so
/// that a model file runs in eager mode: `ttc profile --engine eager` times each node as a module
/// call (see ``ModuleCallObserver``).
///
/// Each node calls the eager op of the same name with the node's attributes; every value computes
/// in `f32` (integer inputs such as gather indices are converted), and each intermediate is
/// released after its last use, as in the interpreter. Ops without an eager counterpart (fused and
/// quantized ops, `sparse_linear`, `pow`, `where`, `cast`, `quantize_linear`,
/// `dequantize_linear`, and epilogues) are refused when the graph is built, naming the node: run
/// the graph as traced (`-O0`).
///
/// ```swift
/// let eager = try EagerGraph(graph)
/// let outputs = try eager.run(["x": Tensor.randn([1, 64])])
/// ```
public final class EagerGraph: Module {
  /// The graph being run.
  public let graph: Graph
  /// One module per graph node, in order.
  public let nodes: [EagerGraphNode]
  private let values: EagerGraphValues

  /// Prepares `graph` (its weights become tensors).
  ///
  /// - Throws: naming the first node whose op has no eager counterpart, or a shape-inference
  ///   error.
  public init(_ graph: Graph) throws {
    try graph.verify()
    let types = try graph.valueTypes()
    let values = EagerGraphValues()
    for (name, data) in graph.weights {
      values.constants[name] = Tensor(uncheckedShape: data.type.shape, scalars: data.floats())
    }
    var releases = [[String]](repeating: [], count: graph.nodes.count)
    for (name, index) in graph.lastUses() where index < graph.nodes.count && graph.weights[name] == nil {
      releases[index].append(name)
    }
    nodes = try graph.nodes.enumerated().map { index, node in
      try EagerGraphNode(
        node, outputShape: types[node.outputs[0]]!.shape, releases: releases[index], values: values)
    }
    self.values = values
    self.graph = graph
    super.init()
  }

  /// Runs the graph on one tensor per graph input, by name.
  ///
  /// - Throws: naming a missing input, or the error of the node that failed.
  public func run(_ inputs: [String: Tensor]) throws -> [String: Tensor] {
    values.current = values.constants
    defer { values.current = [:] }
    for info in graph.inputs {
      guard let value = inputs[info.name] else {
        throw TensorError.invalidArgument("input '\(info.name)' is missing (expected \(info.type))")
      }
      values.current[info.name] = value
    }
    for node in nodes { _ = try node(EagerGraphValues.placeholder) }
    var outputs: [String: Tensor] = [:]
    for info in graph.outputs { outputs[info.name] = values.current[info.name] }
    return outputs
  }

  /// Runs a graph with one input and one output.
  public override func forward(_ input: Tensor) throws -> Tensor {
    guard graph.inputs.count == 1, graph.outputs.count == 1 else {
      throw TensorError.invalidArgument(
        "forward(_:) needs a graph with one input and one output; use run(_:)")
    }
    return try run([graph.inputs[0].name: input])[graph.outputs[0].name]!
  }
}

/// The values of a running ``EagerGraph``, shared by its node modules.
final class EagerGraphValues {
  /// The weights as tensors.
  var constants: [String: Tensor] = [:]
  /// Every value alive during a run, by name.
  var current: [String: Tensor] = [:]
  /// The argument node modules are called with (they read their inputs from ``current``).
  nonisolated(unsafe) static let placeholder = Tensor(uncheckedShape: [0], scalars: [])
}

/// One node of an ``EagerGraph``: its forward pass reads the node's inputs from the running graph,
/// runs the eager op and stores the output.
public final class EagerGraphNode: Module {
  /// The graph node.
  public let node: Node
  private let outputShape: [Int]
  private let releases: [String]
  private let values: EagerGraphValues
  private let compute: ([Tensor]) throws -> Tensor

  init(_ node: Node, outputShape: [Int], releases: [String], values: EagerGraphValues) throws {
    self.node = node
    self.outputShape = outputShape
    self.releases = releases
    self.values = values
    compute = try EagerGraphNode.operation(node, outputShape: outputShape)
    super.init()
  }

  public override var settingsDescription: String { "\(node.name): \(node.op)" }

  public override func forward(_ input: Tensor) throws -> Tensor {
    let arguments = node.inputs.map { values.current[$0]! }
    let output = try compute(arguments)
    values.current[node.outputs[0]] = output
    for name in releases { values.current[name] = nil }
    return output
  }

  /// The eager computation of `node`, or an error naming it when eager mode has none.
  static func operation(_ node: Node, outputShape: [Int]) throws -> ([Tensor]) throws -> Tensor {
    func refuse(_ why: String) -> TensorError {
      .invalidArgument("node '\(node.name)' (\(node.op)): \(why) (run the graph as traced, -O0)")
    }
    if node.string("epilogue") != nil { throw refuse("eager mode has no fused epilogues") }
    let pair = { (name: String, fallback: Int) -> Size2D in
      let values = node.ints(name) ?? [fallback, fallback]
      return Size2D(values[0], values[1])
    }
    switch node.op {
    case .neg: return { -$0[0] }
    case .exp: return { $0[0].exp() }
    case .log: return { $0[0].log() }
    case .sqrt: return { $0[0].sqrt() }
    case .abs: return { $0[0].abs() }
    case .relu: return { $0[0].relu() }
    case .sigmoid: return { $0[0].sigmoid() }
    case .tanh: return { $0[0].tanh() }
    case .erf: return { $0[0].erf() }
    case .gelu:
      let approximation = Tensor.GELUApproximation(rawValue: node.string("approximate") ?? "none") ?? .none
      return { $0[0].gelu(approximation: approximation) }
    case .leakyRelu:
      let slope = Float(node.float("alpha") ?? 0.01)
      return { $0[0].leakyRelu(slope: slope) }
    case .clamp:
      let (low, high) = (
        node.float("min").map(Float.init) ?? -.infinity, node.float("max").map(Float.init) ?? .infinity
      )
      return { $0[0].clamp(min: low, max: high) }
    case .add: return { try $0[0] + $0[1] }
    case .sub: return { try $0[0] - $0[1] }
    case .mul: return { try $0[0] * $0[1] }
    case .div: return { try $0[0] / $0[1] }
    case .maximum: return { try $0[0].maximum($0[1]) }
    case .minimum: return { try $0[0].minimum($0[1]) }
    case .equal: return { try $0[0].eq($0[1]) }
    case .less: return { try $0[0].lt($0[1]) }
    case .greater: return { try $0[0].gt($0[1]) }
    case .matmul: return { try $0[0].matmul($0[1]) }
    case .linear: return { try $0[0].linear(weight: $0[1], bias: $0.count > 2 ? $0[2] : nil) }
    case .conv2d:
      let (stride, padding, dilation) = (pair("stride", 1), pair("padding", 0), pair("dilation", 1))
      let groups = node.int("groups") ?? 1
      return {
        try $0[0].conv2d(
          weight: $0[1], bias: $0.count > 2 ? $0[2] : nil, stride: stride, padding: padding,
          dilation: dilation,
          groups: groups)
      }
    case .maxPool2d:
      let (kernel, padding) = (pair("kernel", 1), pair("padding", 0))
      let stride = node.ints("stride").map { Size2D($0[0], $0[1]) }
      return { try $0[0].maxPool2d(kernel: kernel, stride: stride, padding: padding) }
    case .avgPool2d:
      let (kernel, padding) = (pair("kernel", 1), pair("padding", 0))
      let stride = node.ints("stride").map { Size2D($0[0], $0[1]) }
      let includePad = node.bool("count_include_pad") ?? true
      return {
        try $0[0].avgPool2d(kernel: kernel, stride: stride, padding: padding, countIncludePad: includePad)
      }
    case .batchNorm:
      let eps = Float(node.float("eps") ?? 1e-5)
      return {
        try $0[0].batchNorm(scale: $0[1], bias: $0[2], runningMean: $0[3], runningVar: $0[4], eps: eps)
      }
    case .softmax:
      let axis = node.int("axis") ?? -1
      return { try $0[0].softmax(axis: axis) }
    case .logSoftmax:
      let axis = node.int("axis") ?? -1
      return { try $0[0].logSoftmax(axis: axis) }
    case .layerNorm:
      let eps = Float(node.float("eps") ?? 1e-5)
      return {
        try $0[0].layerNorm(gamma: $0.count > 1 ? $0[1] : nil, beta: $0.count > 2 ? $0[2] : nil, eps: eps)
      }
    case .reshape, .flatten:
      return { try $0[0].reshaped(outputShape) }
    case .transpose:
      let permutation = node.ints("perm") ?? []
      return { try $0[0].permuted(permutation) }
    case .concat:
      let axis = node.int("axis") ?? 0
      return { try Tensor.concat($0, axis: axis) }
    case .slice:
      let (starts, ends) = (node.ints("starts") ?? [], node.ints("ends") ?? [])
      let steps = node.ints("steps") ?? Array(repeating: 1, count: starts.count)
      return { try $0[0].slice(starts: starts, ends: ends, steps: steps) }
    case .gather:
      let axis = node.int("axis") ?? 0
      return { try $0[0].gather(axis: axis, indices: $0[1]) }
    case .reduceSum:
      let (axes, keep) = (node.ints("axes"), node.bool("keepdims") ?? false)
      return { try $0[0].sum(axes: axes, keepDims: keep) }
    case .reduceMean:
      let (axes, keep) = (node.ints("axes"), node.bool("keepdims") ?? false)
      return { try $0[0].mean(axes: axes, keepDims: keep) }
    case .reduceMax:
      let (axes, keep) = (node.ints("axes"), node.bool("keepdims") ?? false)
      return { try $0[0].max(axes: axes, keepDims: keep) }
    case .reduceMin:
      let (axes, keep) = (node.ints("axes"), node.bool("keepdims") ?? false)
      return { try $0[0].min(axes: axes, keepDims: keep) }
    case .argmax:
      let (axis, keep) = (node.int("axis") ?? -1, node.bool("keepdims") ?? false)
      return { try $0[0].argmax(axis: axis, keepDims: keep) }
    case .scaledDotProductAttention:
      let (causal, scale) = (node.bool("causal") ?? false, node.float("scale").map(Float.init))
      return {
        try scaledDotProductAttention(
          query: $0[0], key: $0[1], value: $0[2], mask: $0.count > 3 ? $0[3] : nil, isCausal: causal,
          scale: scale)
      }
    case .pow, .where, .cast, .quantizeLinear, .dequantizeLinear, .sparseLinear, .fusedElementwise,
      .quantizedLinear, .mod, .resize, .quantizedConv2d:
      throw refuse("eager mode has no such op")
    }
  }
}
