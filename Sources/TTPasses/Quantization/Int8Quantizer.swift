import TTIR

/// Rewrites `linear` layers into `quantized_linear` and `conv2d` layers into `quantized_conv2d`
/// (docs/IR.md): int8 weights, symmetric per output channel, and int8 activations.
///
/// - Dynamic (`ranges == nil`): each layer reads its f32 input and quantizes it per call.
/// - Static: activation parameters come from calibrated `ranges` (per tensor, asymmetric). A
///   layer whose result only feeds other quantized layers writes int8 directly (requantized in its
///   epilogue), so int8 regions have a `quantize_linear` only where they start and are
///   dequantized only where they end, inside the last layer's epilogue. The result may reach
///   those layers through `max_pool2d`, `reshape` and `flatten`, which then move int8 values:
///   exact, since quantizing keeps order (a max of int8 values is the int8 value of the max), and
///   the layers after them read the region's scale and zero point.
///
/// A `relu` that alone reads a layer's output is fused into the layer. A layer is quantizable
/// when its weight is a stored f32 weight, its input and bias are f32, and its epilogue (from
/// `fuse-epilogue`) is absent or a ReLU; other layers are left in f32.
public enum Int8Quantizer {
  /// The rewritten graph and how many layers were quantized (0: `graph` unchanged).
  ///
  /// - Throws: ``QuantizationError`` when a calibrated range is missing for a value that is
  ///   quantized (static mode).
  public static func quantize(_ graph: Graph, ranges: [String: ClosedRange<Float>]?) throws
    -> (graph: Graph, layers: Int)
  {
    let types = try graph.valueTypes()
    let outputs = Set(graph.outputs.map(\.name))
    var readers: [String: [Int]] = [:]
    for (index, node) in graph.nodes.enumerated() {
      for input in node.inputs { readers[input, default: []].append(index) }
    }
    let quantizable = Set(
      graph.nodes.indices.filter { index in
        let node = graph.nodes[index]
        return (node.op == .linear || node.op == .conv2d) && graph.weights[node.inputs[1]]?.dtype == .f32
          && node.inputs.indices.allSatisfy { types[node.inputs[$0]]?.dtype == .f32 }
          && epilogueIsAtMostReLU(node)
      })
    guard !quantizable.isEmpty else { return (graph, 0) }

    // Fused ReLUs and each layer's result value.
    var fusedRelu: [Int: Int] = [:]
    var result: [Int: String] = [:]
    for index in quantizable {
      let output = graph.nodes[index].outputs[0]
      if let only = readers[output], only.count == 1, graph.nodes[only[0]].op == .relu,
        !outputs.contains(output)
      {
        fusedRelu[index] = only[0]
        result[index] = graph.nodes[only[0]].outputs[0]
      } else {
        result[index] = output
      }
    }
    // Whether `value` can be int8: not a graph output, read at least once, and each reader a
    // quantized layer reading it as x or an op that moves int8 values (whose result can be int8
    // too). Memoized, so each value is visited once.
    var int8Capable: [String: Bool] = [:]
    func canBeInt8(_ value: String) -> Bool {
      if let known = int8Capable[value] { return known }
      int8Capable[value] = false  // a graph is acyclic; this only guards the recursion
      guard !outputs.contains(value), let users = readers[value], !users.isEmpty else { return false }
      let capable = users.allSatisfy { user in
        let node = graph.nodes[user]
        guard node.inputs.firstIndex(of: value) == 0, node.inputs.dropFirst().allSatisfy({ $0 != value })
        else {
          return false
        }
        return quantizable.contains(user) || (movesInt8(node.op) && canBeInt8(node.outputs[0]))
      }
      int8Capable[value] = capable
      return capable
    }
    // Layers that write int8, and for each int8 value the layer result whose range quantizes it.
    var writesInt8: Set<Int> = []
    var regionOf: [String: String] = [:]
    if ranges != nil {
      for index in quantizable where canBeInt8(result[index]!) {
        writesInt8.insert(index)
        var pending = [result[index]!]
        while let value = pending.popLast() {
          regionOf[value] = result[index]!
          for user in readers[value] ?? [] where movesInt8(graph.nodes[user].op) {
            pending.append(graph.nodes[user].outputs[0])
          }
        }
      }
    }

    func parameters(_ value: String, _ role: String, _ node: Node) throws -> QuantizationParameters {
      guard let range = ranges?[value] else {
        throw QuantizationError("no calibration range for value '\(value)' (\(role) node '\(node.name)')")
      }
      return QuantizationParameters(covering: range)
    }

    var names = NameAllocator(takingNamesOf: graph)
    var rewritten = graph
    rewritten.nodes = []
    var quantizedValues: [String: String] = [:]
    let removed = Set(fusedRelu.values)
    for (index, node) in graph.nodes.enumerated() where !removed.contains(index) {
      guard quantizable.contains(index) else {
        rewritten.nodes.append(node)
        continue
      }
      let stored = graph.weights[node.inputs[1]]!
      let weight =
        node.op == .conv2d
        ? QuantizedWeights(convolutionWeight: stored) : QuantizedWeights(linearWeight: stored)
      let weightName = names.fresh(node.inputs[1] + ".int8")
      let scaleName = names.fresh(node.inputs[1] + ".scale")
      rewritten.weights[weightName] = weight.values
      rewritten.weights[scaleName] = weight.scales
      var x = node.inputs[0]
      // A convolution keeps its geometry.
      var attributes = node.attributes.filter {
        ["stride", "padding", "dilation", "groups"].contains($0.key)
      }
      if ranges != nil {
        let input = try parameters(regionOf[x] ?? x, "read by", node)
        attributes["x_scale"] = .float(Double(input.scale))
        attributes["x_zero_point"] = .int(input.zeroPoint)
        if regionOf[x] == nil {
          if let existing = quantizedValues[x] {
            x = existing
          } else {
            let quantized = names.fresh(x + ".int8")
            rewritten.nodes.append(
              Node(
                name: names.fresh(x + ".quantize"), op: .quantizeLinear, inputs: [x], outputs: [quantized],
                attributes: ["scale": .float(Double(input.scale)), "zero_point": .int(input.zeroPoint)]))
            quantizedValues[x] = quantized
            x = quantized
          }
        }
      }
      if writesInt8.contains(index) {
        let output = try parameters(result[index]!, "written by", node)
        attributes["out_scale"] = .float(Double(output.scale))
        attributes["out_zero_point"] = .int(output.zeroPoint)
      }
      if fusedRelu[index] != nil || node.attributes["epilogue"] != nil { attributes["relu"] = .bool(true) }
      rewritten.nodes.append(
        Node(
          name: node.name, op: node.op == .conv2d ? .quantizedConv2d : .quantizedLinear,
          inputs: [x, weightName, scaleName] + node.inputs.dropFirst(2),
          outputs: [result[index]!], attributes: attributes))
    }
    let read = Set(rewritten.nodes.flatMap(\.inputs)).union(outputs)
    for index in quantizable where !read.contains(graph.nodes[index].inputs[1]) {
      rewritten.weights[graph.nodes[index].inputs[1]] = nil
    }
    try rewritten.verify()
    return (rewritten, quantizable.count)
  }

  /// Ops that move int8 values unchanged in meaning (docs/IR.md): an int8 region continues
  /// through them.
  static func movesInt8(_ op: Op) -> Bool {
    op == .maxPool2d || op == .reshape || op == .flatten
  }

  /// Whether `node` has no epilogue (docs/IR.md, `fuse-epilogue`) or one that is exactly a ReLU of
  /// the product: `quantized_linear` and `quantized_conv2d` have a `relu` flag and nothing more.
  static func epilogueIsAtMostReLU(_ node: Node) -> Bool {
    guard node.attributes["epilogue"] != nil || node.epilogueInputCount > 0 else { return true }
    guard node.epilogueInputCount == 0, let program = try? node.epilogue() else { return false }
    return program.instructions == [ElementwiseProgram.Instruction(.relu, [.input(0)])]
  }
}
