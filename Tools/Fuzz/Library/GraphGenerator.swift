import TTIR

/// Generates small valid graphs for the compile-and-run fuzzer (``GraphCampaign``): a grammar over
/// the IR's ops that starts from one or two `f32` inputs of random rank and dims (often 1, once in
/// a while long) and appends random nodes whose operands are earlier values or fresh weights,
/// with extreme attributes (negative axes, slice steps beyond the dim, padding larger than the
/// kernel, dilations, clamp bounds that cross, tiny and huge slopes).
///
/// A node shape inference refuses is dropped and another is drawn, so every graph verifies; every
/// value no later node reads becomes an output, so nothing computed goes unchecked.
public struct GraphGenerator: Sendable {
  /// Nodes per graph (at most; a graph always has at least one).
  public var maximumNodes = 8

  /// Creates a generator.
  public init() {}

  /// One graph drawn with `random`, named `name`.
  public func graph(named name: String, random: inout FuzzRandom) -> Graph {
    var state = State(builder: GraphBuilder(name: name))
    let inputCount = 1 + random.below(2)
    let shape = Self.shape(random: &random)
    for index in 0..<inputCount {
      // A second input is often of the first one's shape, so binary ops pair them.
      let inputShape = random.oneIn(3) ? Self.shape(random: &random) : shape
      state.values.append(state.builder.input("x\(index)", .f32, inputShape))
    }
    let nodes = 1 + random.below(maximumNodes)
    var attempts = 0
    while state.builder.unverifiedGraph.nodes.count < nodes && attempts < nodes * 20 {
      attempts += 1
      var trial = state
      guard let value = trial.appendRandomNode(random: &random), trial.builder.type(of: value) != nil else {
        continue
      }
      trial.values.append(value)
      state = trial
    }
    let graph = state.builder.unverifiedGraph
    let read = Set(graph.nodes.flatMap(\.inputs))
    for value in state.values.dropFirst(inputCount) where !read.contains(value) {
      state.builder.output(value)
    }
    if state.builder.unverifiedGraph.outputs.isEmpty { state.builder.output(state.values[0]) }
    return state.builder.unverifiedGraph
  }

  /// A shape of rank 1-4: mostly small dims, sometimes 1 everywhere or one long dim.
  static func shape(random: inout FuzzRandom) -> [Int] {
    let rank = 1 + random.below(4)
    return (0..<rank).map { _ in
      switch random.below(10) {
      case 0, 1: 1
      case 2: 17 + random.below(48)
      default: 2 + random.below(5)
      }
    }
  }

  /// The graph under construction and its values in definition order.
  struct State {
    var builder: GraphBuilder
    var values: [String] = []

    func type(_ value: String) -> TensorType { builder.type(of: value)! }

    /// A random earlier value, preferring recent ones.
    func operand(random: inout FuzzRandom) -> String {
      random.oneIn(3)
        ? values[random.below(values.count)] : values[values.count - 1 - random.below(min(2, values.count))]
    }

    /// A weight of `shape` with values in [-scale, scale].
    mutating func weight(_ shape: [Int], scale: Float = 1, random: inout FuzzRandom) -> String {
      let count = shape.reduce(1, *)
      let values = (0..<count).map { _ in (Float(random.below(2001)) / 1000 - 1) * scale }
      return builder.weight("w\(builder.unverifiedGraph.weights.count)", TensorData(values, shape: shape))
    }

    /// `shape` with some dims set to 1 or dropped from the front: a shape that broadcasts to it.
    func broadcastable(_ shape: [Int], random: inout FuzzRandom) -> [Int] {
      let kept = shape.dropFirst(random.below(shape.count + 1))
      return kept.map { random.oneIn(3) ? 1 : $0 }
    }

    /// An axis of rank `rank`, negative half the time.
    func axis(_ rank: Int, random: inout FuzzRandom) -> Int {
      let axis = random.below(max(rank, 1))
      return random.oneIn(2) ? axis - rank : axis
    }

    /// Appends one random node reading earlier values and returns its output (whose type is
    /// `nil` when shape inference refused the node).
    mutating func appendRandomNode(random: inout FuzzRandom) -> String? {
      let x = operand(random: &random)
      let shape = type(x).shape
      let rank = shape.count
      guard type(x).dtype == .f32 else {
        return builder.add(.cast, [x], attributes: ["to": "f32"])
      }
      // A scalar (a full reduction) goes on as a vector: the rules below draw axes.
      guard rank > 0 else { return builder.add(.reshape, [x], attributes: ["shape": .ints([1])]) }
      switch random.below(16) {
      case 0, 1:
        let op: Op = [.neg, .exp, .log, .sqrt, .abs, .relu, .sigmoid, .tanh, .erf][random.below(9)]
        return builder.add(op, [x])
      case 2:
        switch random.below(3) {
        case 0: return builder.add(.gelu, [x], attributes: ["approximate": random.oneIn(2) ? "tanh" : "none"])
        case 1:
          let alpha = [0, 1e-30, -3, 0.2, 1e6][random.below(5)]
          return builder.add(.leakyRelu, [x], attributes: ["alpha": .float(alpha)])
        default:
          let bounds = [-1e30, -2, -0.5, 0, 0.5, 3, 1e30]
          var attributes: [String: AttributeValue] = [:]
          if !random.oneIn(4) { attributes["min"] = .float(bounds[random.below(bounds.count)]) }
          if !random.oneIn(4) { attributes["max"] = .float(bounds[random.below(bounds.count)]) }
          return builder.add(.clamp, [x], attributes: attributes)
        }
      case 3, 4:
        let ops: [Op] = [.add, .sub, .mul, .div, .pow, .maximum, .minimum, .equal, .less, .greater, .mod]
        let op = ops[random.below(ops.count)]
        let other =
          random.oneIn(2)
          ? operand(random: &random) : weight(broadcastable(shape, random: &random), random: &random)
        let operands = random.oneIn(2) ? [x, other] : [other, x]
        return builder.add(op, operands, attributes: op == .mod ? ["fmod": .bool(random.oneIn(2))] : [:])
      case 5:
        let condition = builder.add(.greater, [x, weight([], scale: 0.5, random: &random)])
        let other = weight(broadcastable(shape, random: &random), random: &random)
        return builder.add(.where, [condition, x, other])
      case 6:
        let inner = shape.last ?? 1
        let outer = 1 + random.below(9)
        if random.oneIn(2) {
          return builder.add(.matmul, [x, weight([inner, outer], random: &random)])
        }
        var operands = [x, weight([inner, outer], random: &random)]
        if random.oneIn(2) { operands.append(weight([outer], random: &random)) }
        return builder.add(.linear, operands)
      case 7:
        if random.oneIn(2) {
          let op: Op = random.oneIn(2) ? .softmax : .logSoftmax
          return builder.add(op, [x], attributes: ["axis": .int(axis(rank, random: &random))])
        }
        let last = shape.last ?? 1
        let eps = [1e-5, 1e-12, 10][random.below(3)]
        return builder.add(
          .layerNorm, [x, weight([last], random: &random), weight([last], random: &random)],
          attributes: ["eps": .float(eps)])
      case 8:
        switch random.below(3) {
        case 0:
          let perm = Array(0..<rank).shuffled(using: &random)
          return builder.add(.transpose, [x], attributes: ["perm": .ints(perm)])
        case 1:
          var target = shape.reversed().map { $0 }
          if random.oneIn(2), !target.isEmpty { target[random.below(target.count)] = -1 }
          let reshaped = shape.reduce(1, *)
          return builder.add(
            .reshape, [x], attributes: ["shape": .ints(random.oneIn(3) ? [reshaped] : target)])
        default:
          return builder.add(
            .flatten, [x],
            attributes: [
              "start_dim": .int(axis(rank, random: &random)), "end_dim": .int(axis(rank, random: &random)),
            ])
        }
      case 9:
        var starts: [Int] = []
        var ends: [Int] = []
        var steps: [Int] = []
        for dim in shape {
          let step = [1, 1, 2, -1, -2, 1 << 40, -(1 << 40)][random.below(7)]
          steps.append(step)
          starts.append([0, 1, -1, dim, -(1 << 50), 1 << 50][random.below(6)])
          ends.append([dim, -1, 0, 1 << 50, -(1 << 50), Int.max, Int.min][random.below(7)])
        }
        return builder.add(
          .slice, [x], attributes: ["starts": .ints(starts), "ends": .ints(ends), "steps": .ints(steps)])
      case 10:
        let axis = axis(rank, random: &random)
        let others = random.oneIn(2) ? [x] : [weight(shape, random: &random)]
        return builder.add(.concat, [x] + others, attributes: ["axis": .int(axis)])
      case 11:
        let axis = axis(rank, random: &random)
        let dim = shape[(axis + rank) % rank]
        guard dim > 0 else { return builder.add(.abs, [x]) }
        // Valid indices only: any other is a run-time error in both engines (EngineAgreementTests).
        let count = 1 + random.below(5)
        let indices = (0..<count).map { _ in Int64(random.below(dim)) }
        let table = builder.weight(
          "w\(builder.unverifiedGraph.weights.count)",
          try! TensorData(
            type: TensorType(.i64, [count]),
            bytes: indices.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) }))
        return builder.add(.gather, [x, table], attributes: ["axis": .int(axis)])
      case 12:
        let ops: [Op] = [.reduceSum, .reduceMean, .reduceMax, .reduceMin]
        if random.oneIn(4) {
          return builder.add(
            .argmax, [x],
            attributes: ["axis": .int(axis(rank, random: &random)), "keepdims": .bool(random.oneIn(2))])
        }
        let axes = Array(Set((0..<(1 + random.below(rank))).map { _ in axis(rank, random: &random) }))
        var attributes: [String: AttributeValue] = ["keepdims": .bool(random.oneIn(2))]
        if !random.oneIn(4) { attributes["axes"] = .ints(axes.sorted()) }
        return builder.add(ops[random.below(ops.count)], [x], attributes: attributes)
      case 13:
        return spatial(x, shape, random: &random)
      case 14:
        if rank == 3 || rank == 4 {
          let k = weight(shape, random: &random)
          let v = weight(shape, random: &random)
          var attributes: [String: AttributeValue] = ["causal": .bool(random.oneIn(2))]
          if random.oneIn(3) { attributes["scale"] = .float([0, 1e-3, 10][random.below(3)]) }
          return builder.add(.scaledDotProductAttention, [x, k, v], attributes: attributes)
        }
        let to: DType = [.i32, .i64, .f16, .i8][random.below(4)]
        return builder.add(.cast, [x], attributes: ["to": .string(to.rawValue)])
      default:
        let scale = [1e-3, 0.05, 1, 1e3][random.below(4)]
        let zeroPoint = [0, 3, -128, 127][random.below(4)]
        let quantized = builder.add(
          .quantizeLinear, [x], attributes: ["scale": .float(scale), "zero_point": .int(zeroPoint)])
        return builder.add(
          .dequantizeLinear, [quantized], attributes: ["scale": .float(scale), "zero_point": .int(zeroPoint)])
      }
    }

    /// A convolution, pooling or batch norm on a rank-4 value (others are reshaped to NCHW first).
    mutating func spatial(_ x: String, _ shape: [Int], random: inout FuzzRandom) -> String {
      var input = x
      var shape = shape
      if shape.count != 4 {
        shape = [1, 1, shape.dropLast().reduce(1, *), shape.last ?? 1]
        input = builder.add(.reshape, [x], attributes: ["shape": .ints(shape)])
      }
      let channels = shape[1]
      let kernel = [1 + random.below(3), 1 + random.below(3)]
      let stride = [1 + random.below(3), 1 + random.below(2)]
      let padding = [random.below(3), random.below(4)]
      switch random.below(4) {
      case 0:
        let groups = channels > 1 && random.oneIn(2) ? channels : 1
        let out = groups * (1 + random.below(3))
        var operands = [input, weight([out, channels / groups] + kernel, random: &random)]
        if random.oneIn(2) { operands.append(weight([out], random: &random)) }
        return builder.add(
          .conv2d, operands,
          attributes: [
            "stride": .ints(stride), "padding": .ints(padding), "groups": .int(groups),
            "dilation": .ints([1 + random.below(2), 1 + random.below(3)]),
          ])
      case 1, 2:
        var attributes: [String: AttributeValue] = [
          "kernel": .ints(kernel), "stride": .ints(stride), "padding": .ints(padding),
        ]
        if random.oneIn(2) {
          attributes["count_include_pad"] = .bool(random.oneIn(2))
          return builder.add(.avgPool2d, [input], attributes: attributes)
        }
        return builder.add(.maxPool2d, [input], attributes: attributes)
      default:
        let variance = weight([channels], random: &random)
        let positive = builder.add(.abs, [variance])
        return builder.add(
          .batchNorm,
          [
            input, weight([channels], random: &random), weight([channels], random: &random),
            weight([channels], random: &random), positive,
          ], attributes: ["eps": .float([1e-5, 1e-3, 1][random.below(3)])])
      }
    }
  }
}
