import TTIR

/// Structured pruning that really shrinks the model: removes the `fraction` of the output units
/// (a `linear`'s neurons, a `conv2d`'s output channels) with the smallest norm from every layer
/// whose units feed another prunable layer, and the matching inputs of that next layer, so every
/// shape along the way gets smaller.
///
/// A layer is pruned when its output reaches the next `linear` or `conv2d` (as its `x`) through
/// a chain of single-consumer values that keep units apart: unary elementwise ops, pooling,
/// `batch_norm` (its per-channel weights shrink too) and, after a convolution, a `flatten` or
/// `reshape` to `[N, C·H·W]` in front of a `linear` (whose input rows shrink by `H·W` per
/// channel). Its weight (and bias) must be `f32` weights read by it alone, and a convolution must
/// have `groups = 1`. Layers that end in a graph output or anything else (the classifier, say)
/// keep their units. At least one unit of every layer stays.
///
/// Not exact: removing a unit drops its contribution (exact when the unit was already zero,
/// weight and bias, with an activation that maps 0 to 0, as after eager `Pruning.structured`).
public struct PruneStructured: Pass {
  public static let name = "prune-structured"
  public static let purpose =
    "Removes the lowest-norm fraction of neurons/channels of each layer feeding another layer, shrinking both."

  /// The fraction of each layer's units to remove, in `[0, 1)`.
  public var fraction: Double
  /// The norm that ranks units.
  public var norm: PruningNorm

  /// A pass removing `fraction` of the units of every eligible layer, ranked by `norm`.
  public init(fraction: Double, norm: PruningNorm = .l1) {
    self.fraction = fraction
    self.norm = norm
  }

  public var options: String { "fraction=\(fraction),norm=\(norm.rawValue)" }

  public func run(_ graph: inout Graph, context: inout PassContext) throws -> Bool {
    if let problem = PruningRanking.problem(with: fraction, named: "fraction") {
      throw GraphError(graph: graph.name, "prune-structured: \(problem)")
    }
    let types = try graph.valueTypes()
    var readers: [String: [Int]] = [:]
    for (index, node) in graph.nodes.enumerated() {
      for input in Set(node.inputs) { readers[input, default: []].append(index) }
    }
    let outputs = Set(graph.outputs.map(\.name))
    // Every layer is ranked on its weights as given (as eager pruning ranks them), then all are cut.
    var plans: [(layer: Layer, chain: Chain, kept: [Int], removed: Int)] = []
    for index in graph.nodes.indices {
      guard let layer = Layer(graph.nodes[index], graph: graph, readers: readers),
        let chain = chain(from: index, graph: graph, types: types, readers: readers, outputs: outputs)
      else { continue }
      let weight = graph.weights[layer.weight]!
      let values = weight.floats()
      let units = layer.units(weight.shape)
      let keys = (0..<units).map { unit in
        norm.of(layer.indices(of: unit, in: weight.shape).map { values[$0] })
      }
      let count = min(PruningRanking.prunedCount(fraction, of: units), units - 1)
      guard count > 0 else { continue }
      let removed = Set(PruningRanking.smallest(count, of: keys))
      plans.append((layer, chain, (0..<units).filter { !removed.contains($0) }, count))
    }
    for (layer, chain, kept, removed) in plans {
      layer.keepOutputs(kept, in: &graph)
      for name in chain.perChannelWeights { Self.keep(kept, along: 0, groups: 1, of: name, in: &graph) }
      for (node, shape) in chain.reshapes { graph.nodes[node].attributes["shape"] = .ints(shape) }
      let next = graph.nodes[chain.consumer]
      let axis = next.op == .linear ? 0 : 1
      Self.keep(kept, along: axis, groups: chain.spatial, of: next.inputs[1], in: &graph)
      context.count("layers pruned")
      context.count("units removed", by: removed)
    }
    return !plans.isEmpty
  }

  /// Where a layer's units go: the next layer, the per-channel weights on the way, and the
  /// reshapes whose target shape must follow.
  struct Chain {
    var consumer: Int
    var perChannelWeights: [String] = []
    var reshapes: [(node: Int, shape: [Int])] = []
    /// Input rows of the next layer per unit (`H·W` after a flatten, else 1).
    var spatial = 1
  }

  /// Follows the output of node `index` to the next prunable layer, or nil when it goes
  /// anywhere else.
  func chain(
    from index: Int, graph: Graph, types: [String: TensorType], readers: [String: [Int]], outputs: Set<String>
  ) -> Chain? {
    let isConvolution = graph.nodes[index].op == .conv2d
    var value = graph.nodes[index].outputs[0]
    var chain = Chain(consumer: -1)
    var flattened = false
    func soleReader(_ name: String, of reader: Int) -> Bool {
      graph.weights[name] != nil && readers[name] == [reader]
    }
    while true {
      guard !outputs.contains(value), let next = readers[value], next.count == 1 else { return nil }
      let node = graph.nodes[next[0]]
      guard node.inputs.firstIndex(of: value) == 0, node.inputs.dropFirst().allSatisfy({ $0 != value }) else {
        return nil
      }
      switch node.op.category {
      case .unaryElementwise:
        break
      case .pooling where isConvolution && !flattened:
        break
      case .normalization where node.op == .batchNorm && isConvolution && !flattened:
        guard node.inputs.dropFirst().allSatisfy({ soleReader($0, of: next[0]) }) else { return nil }
        chain.perChannelWeights += node.inputs.dropFirst()
      case .dataMovement where isConvolution && !flattened && (node.op == .flatten || node.op == .reshape):
        guard let input = types[value], input.rank == 4, let output = types[node.outputs[0]],
          output.shape == [input.shape[0], input.shape[1] * input.shape[2] * input.shape[3]]
        else { return nil }
        if node.op == .flatten, node.int("start_dim") ?? 1 != 1 { return nil }
        if node.op == .reshape { chain.reshapes.append((next[0], [node.ints("shape")?.first ?? 0, -1])) }
        chain.spatial = input.shape[2] * input.shape[3]
        flattened = true
      case .matrix where node.op == .linear && (flattened || !isConvolution),
        .convolution where isConvolution && !flattened && (node.int("groups") ?? 1) == 1:
        guard soleReader(node.inputs[1], of: next[0]), graph.weights[node.inputs[1]]!.dtype == .f32 else {
          return nil
        }
        chain.consumer = next[0]
        return chain
      default:
        return nil
      }
      value = node.outputs[0]
    }
  }

  /// Keeps, along `axis` of the weight `name`, the groups of `groups` consecutive indices at
  /// positions `kept` (group `u` = indices `u·groups ..< (u+1)·groups`).
  static func keep(_ kept: [Int], along axis: Int, groups: Int, of name: String, in graph: inout Graph) {
    let data = graph.weights[name]!
    let shape = data.shape
    let values = data.floats()
    let outer = shape[..<axis].reduce(1, *)
    let inner = shape[(axis + 1)...].reduce(1, *)
    var result: [Float] = []
    result.reserveCapacity(outer * kept.count * groups * inner)
    for o in 0..<outer {
      for unit in kept {
        for g in 0..<groups {
          let start = (o * shape[axis] + unit * groups + g) * inner
          result += values[start..<start + inner]
        }
      }
    }
    var newShape = shape
    newShape[axis] = kept.count * groups
    graph.weights[name] = TensorData(result, shape: newShape)
  }
}

extension PruneStructured {
  /// A prunable layer: a `linear` (units are weight columns) or a `conv2d` with `groups = 1`
  /// (units are filters), whose weight and bias are `f32` weights only it reads.
  struct Layer {
    let node: Node
    let weight: String
    let bias: String?

    init?(_ node: Node, graph: Graph, readers: [String: [Int]]) {
      guard node.op == .linear || (node.op == .conv2d && (node.int("groups") ?? 1) == 1) else { return nil }
      let parameters = node.inputs.dropFirst()
      guard
        parameters.allSatisfy({ graph.weights[$0]?.dtype == .f32 && readers[$0]?.count == 1 }),
        Set(parameters).count == parameters.count
      else { return nil }
      self.node = node
      weight = node.inputs[1]
      bias = node.inputs.count > 2 ? node.inputs[2] : nil
    }

    var unitAxis: Int { node.op == .linear ? 1 : 0 }

    func units(_ shape: [Int]) -> Int { shape[unitAxis] }

    /// The positions in the row-major weight that belong to `unit`.
    func indices(of unit: Int, in shape: [Int]) -> [Int] {
      node.op == .linear
        ? Array(stride(from: unit, to: shape[0] * shape[1], by: shape[1]))
        : Array(unit * shape[1...].reduce(1, *)..<(unit + 1) * shape[1...].reduce(1, *))
    }

    /// Keeps only the units `kept` in the weight and bias.
    func keepOutputs(_ kept: [Int], in graph: inout Graph) {
      PruneStructured.keep(kept, along: unitAxis, groups: 1, of: weight, in: &graph)
      if let bias { PruneStructured.keep(kept, along: 0, groups: 1, of: bias, in: &graph) }
    }
  }
}
