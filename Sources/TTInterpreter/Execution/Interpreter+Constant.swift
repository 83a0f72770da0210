import TTIR

extension Interpreter {
  /// The output of `node` on constant `inputs` (one per node input, in order), computed by the
  /// same kernels as a run: the evaluator the `fold-constants` pass is given
  /// (`PassOptions(evaluator: Interpreter.evaluate)`).
  ///
  /// - Throws: ``InterpreterError`` naming the node when its inputs do not fit it or the
  ///   interpreter does not compute it.
  @Sendable
  public static func evaluate(_ node: Node, inputs: [TensorData]) throws -> TensorData {
    let names = inputs.indices.map { "input\($0)" }
    let single = Node(
      name: node.name, op: node.op, inputs: names, outputs: ["output"], attributes: node.attributes)
    let outputType: TensorType
    do {
      outputType = try ShapeInference.outputTypes(of: single, inputTypes: inputs.map(\.type))[0]
    } catch {
      throw InterpreterError(error)
    }
    let graph = Graph(
      name: "constant", inputs: [], outputs: [ValueInfo(name: "output", type: outputType)], nodes: [single],
      weights: Dictionary(uniqueKeysWithValues: zip(names, inputs)))
    return try Interpreter(graph: graph).run([:])["output"]!.tensorData
  }
}
