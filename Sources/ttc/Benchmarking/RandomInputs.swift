import TTIR
import TTInterpreter

/// Seeded random values for every graph input, valid for the ops that read them: an input used
/// as `gather` indices gets integers in `0..<data.shape[axis]`; other float inputs are uniform in
/// `[0, 1)`, other integer inputs 0.
enum RandomInputs {
  /// One tensor per graph input, by name.
  static func make(for graph: Graph, seed: UInt64) throws -> [String: InterpreterTensor] {
    let types = try graph.valueTypes()
    var random = SeededRandom(seed: seed)
    var result: [String: InterpreterTensor] = [:]
    for input in graph.inputs {
      let count = input.type.elementCount
      let bound = indexBound(of: input.name, in: graph, types: types)
      let values = (0..<count).map { _ in
        bound.map { Double(Int(random.next() * Double($0))) } ?? random.next()
      }
      let storage: InterpreterTensor.Storage =
        switch input.type.dtype {
        case .f32: .f32(values.map { Float($0) })
        case .f16: .f16(values.map { HalfConversion.halfBits(from: Float($0)) })
        case .i8: .i8(values.map { bound == nil ? 0 : Int8($0) })
        case .i32: .i32(values.map { bound == nil ? 0 : Int32($0) })
        case .i64: .i64(values.map { bound == nil ? 0 : Int64($0) })
        }
      result[input.name] = try InterpreterTensor(shape: input.type.shape, storage: storage)
    }
    return result
  }

  /// The exclusive upper bound of valid indices when `name` feeds a `gather` as its indices.
  private static func indexBound(of name: String, in graph: Graph, types: [String: TensorType]) -> Int? {
    graph.nodes.lazy.compactMap { node -> Int? in
      guard node.op == .gather, node.inputs.count == 2, node.inputs[1] == name,
        let data = types[node.inputs[0]],
        let axis = ShapeInference.normalizedAxis(node.int("axis") ?? 0, rank: data.rank)
      else { return nil }
      return data.shape[axis]
    }.first
  }
}
