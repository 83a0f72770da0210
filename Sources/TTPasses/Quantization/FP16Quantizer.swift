import TTIR

/// Stores weights as float16 and computes in float32: every stored f32 weight of rank ≥ 2 (the
/// matrices and kernels, where the bytes are; vectors such as biases stay f32) becomes f16. A
/// `linear` reads its f16 weight directly (the kernel widens it as it goes); other readers go
/// through one `cast` to f32 placed before the first of them.
public enum FP16Quantizer {
  /// The rewritten graph and how many weights were converted (0: `graph` unchanged).
  public static func quantize(_ graph: Graph) throws -> (graph: Graph, weights: Int) {
    let outputs = Set(graph.outputs.map(\.name))
    let converted = Set(
      graph.weights.filter { $0.value.dtype == .f32 && $0.value.type.rank >= 2 && !outputs.contains($0.key) }
        .keys)
    guard !converted.isEmpty else { return (graph, 0) }
    var names = NameAllocator(takingNamesOf: graph)
    var rewritten = graph
    rewritten.nodes = []
    var halves: [String: String] = [:]
    var castValues: [String: String] = [:]
    for var node in graph.nodes {
      for (position, input) in node.inputs.enumerated() where converted.contains(input) {
        if halves[input] == nil {
          let half = names.fresh(input + ".f16")
          let weight = graph.weights[input]!
          rewritten.weights[half] = TensorData(halves: weight.floats(), shape: weight.shape)
          halves[input] = half
        }
        if node.op == .linear && position == 1 && node.inputs[0] != input {
          node.inputs[position] = halves[input]!
          continue
        }
        if castValues[input] == nil {
          let half = halves[input]!
          let value = names.fresh(input + ".f32")
          rewritten.nodes.append(
            Node(
              name: names.fresh(input + ".cast"), op: .cast, inputs: [half], outputs: [value],
              attributes: ["to": "f32"]))
          castValues[input] = value
        }
        node.inputs[position] = castValues[input]!
      }
      rewritten.nodes.append(node)
    }
    for name in converted where halves[name] != nil { rewritten.weights[name] = nil }
    try rewritten.verify()
    return (rewritten, halves.count)
  }
}
