import TTIR

/// A graph lowered for execution: every value gets a slot index, every node a step that knows
/// its input and output slots, its types and cost, and which slots die after it.
struct ExecutionPlan: Sendable {
  /// One node, ready to run.
  struct Step: Sendable {
    /// The node.
    let node: Node
    /// The slots read, in input order.
    let inputs: [Int]
    /// The slot written.
    let output: Int
    /// The types of the inputs.
    let inputTypes: [TensorType]
    /// The type of the output.
    let outputType: TensorType
    /// Static FLOPs and traffic.
    let cost: NodeCost
    /// Slots whose last reader is this step (inputs and dead outputs), freed after it runs.
    let releases: [Int]
  }

  /// The steps in graph order.
  let steps: [Step]
  /// The number of slots.
  let slotCount: Int
  /// The slot of each graph input, in declaration order.
  let inputSlots: [Int]
  /// The slot of each graph output, in declaration order.
  let outputSlots: [Int]
  /// Weights decoded once, with their slots.
  let constants: [(slot: Int, value: InterpreterTensor)]

  /// Lowers a verified `graph`.
  init(_ graph: Graph) throws(GraphError) {
    let types = try graph.valueTypes()
    let analysis = try graph.analysis()
    var slotOf: [String: Int] = [:]
    func slot(_ name: String) -> Int {
      if let index = slotOf[name] { return index }
      let index = slotOf.count
      slotOf[name] = index
      return index
    }
    inputSlots = graph.inputs.map { slot($0.name) }
    constants = graph.weights.keys.sorted().map { (slot($0), InterpreterTensor(graph.weights[$0]!)) }
    let lastUses = graph.lastUses()
    let inputNames = Set(graph.inputs.map(\.name))
    var releasesAt = [[Int]](repeating: [], count: graph.nodes.count)
    for (name, last) in lastUses where last < graph.nodes.count && graph.weights[name] == nil {
      if inputNames.contains(name) || graph.producerIndex(of: name) != nil {
        releasesAt[last].append(slot(name))
      }
    }
    var steps: [Step] = []
    for (index, node) in graph.nodes.enumerated() {
      let output = node.outputs[0]
      var releases = releasesAt[index]
      if lastUses[output] == nil { releases.append(slot(output)) }  // dead output
      steps.append(
        Step(
          node: node, inputs: node.inputs.map(slot), output: slot(output),
          inputTypes: node.inputs.map { types[$0]! }, outputType: types[output]!,
          cost: analysis.nodes[index], releases: releases.sorted()))
    }
    self.steps = steps
    outputSlots = graph.outputs.map { slot($0.name) }
    slotCount = slotOf.count
  }
}
