extension Graph {
  /// The graph as text, one line per value or node, for `--print-after` and debugging:
  ///
  /// ```
  /// graph 'mlp'
  ///   input  x: f32[1, 64]
  ///   weight fc1.weight: f32[64, 128]
  ///   fc1 = linear(x, fc1.weight, fc1.bias)  # fc1  -> f32[1, 128]
  ///   output fc1: f32[1, 128]
  /// ```
  ///
  /// Weights are listed in name order; node output types come from shape inference and are
  /// left out when it fails.
  public var listing: String {
    let types = (try? valueTypes()) ?? [:]
    var lines = ["graph '\(name)'"]
    lines += inputs.map { "  input  \($0)" }
    lines += weights.keys.sorted().map { "  weight \($0): \(weights[$0]!.type)" }
    lines += nodes.map { node in
      let type = types[node.outputs[0]].map { "  -> \($0)" } ?? ""
      return "  \(node)\(type)"
    }
    lines += outputs.map { "  output \($0)" }
    return lines.joined(separator: "\n") + "\n"
  }
}
