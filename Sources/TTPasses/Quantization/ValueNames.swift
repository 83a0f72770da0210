import TTIR

/// Fresh value and node names for nodes and weights a quantization pass adds: a base name,
/// then `base.1`, `base.2`, … until one is unused.
struct FreshNames {
  private var used: Set<String>

  init(_ graph: Graph) {
    used = Set(graph.inputs.map(\.name)).union(graph.weights.keys)
    for node in graph.nodes {
      used.insert(node.name)
      used.formUnion(node.outputs)
    }
  }

  mutating func make(_ base: String) -> String {
    var name = base
    var suffix = 0
    while used.contains(name) {
      suffix += 1
      name = "\(base).\(suffix)"
    }
    used.insert(name)
    return name
  }
}
