import Foundation

/// Renders a graph in Graphviz DOT, for `ttc inspect --dot`.
///
/// Operation nodes are boxes labelled with name, op and output type; graph inputs are
/// blue `invhouse` shapes, graph outputs green `house` shapes, weights yellow `note` shapes.
/// Edges follow data flow and carry no labels (the value is the producer's output).
///
/// With time shares (a profile's share of run time per node name, `ttc graph --profile`), each
/// node also shows its share and is filled from white (no time) to red (the node with the largest
/// share).
public enum GraphvizExporter {
  /// The DOT text for `graph`. Types are shown when shape inference succeeds.
  ///
  /// - Parameter timeShares: each node's share of the run time (0...1) by node name, or nil.
  public static func dot(_ graph: Graph, timeShares: [String: Double]? = nil) -> String {
    let types = (try? graph.valueTypes()) ?? [:]
    var lines = [
      "digraph \(quote(graph.name)) {", "  rankdir=TB;", "  node [fontname=\"Helvetica\"];",
    ]
    var source: [String: String] = [:]
    let largestShare = timeShares?.values.max() ?? 0
    for (index, input) in graph.inputs.enumerated() {
      let id = "in\(index)"
      source[input.name] = id
      lines.append(
        "  \(id) [shape=invhouse, style=filled, fillcolor=lightblue, label=\(quote("\(input.name)\n\(input.type)"))];"
      )
    }
    for (index, name) in graph.weights.keys.sorted().enumerated() {
      let id = "w\(index)"
      source[name] = id
      lines.append(
        "  \(id) [shape=note, style=filled, fillcolor=lightyellow, label=\(quote("\(name)\n\(graph.weights[name]!.type)"))];"
      )
    }
    for (index, node) in graph.nodes.enumerated() {
      let id = "n\(index)"
      let type = types[node.outputs[0]].map { "\n\($0)" } ?? ""
      if let timeShares {
        let share = timeShares[node.name] ?? 0
        let saturation = largestShare > 0 ? min(max(share / largestShare, 0), 1) : 0
        let percent = String(format: "%.1f%%", share * 100)
        lines.append(
          "  \(id) [shape=box, style=\"rounded,filled\", fillcolor=\(quote(String(format: "0.000 %.3f 1.000", saturation))), "
            + "label=\(quote("\(node.name)\n\(node.op)\(type)\n\(percent) of time"))];")
      } else {
        lines.append(
          "  \(id) [shape=box, style=rounded, label=\(quote("\(node.name)\n\(node.op)\(type)"))];")
      }
      for input in node.inputs {
        if let from = source[input] { lines.append("  \(from) -> \(id);") }
      }
      for output in node.outputs { source[output] = id }
    }
    for (index, output) in graph.outputs.enumerated() {
      let id = "out\(index)"
      lines.append(
        "  \(id) [shape=house, style=filled, fillcolor=lightgreen, label=\(quote("\(output.name)\n\(output.type)"))];"
      )
      if let from = source[output.name] { lines.append("  \(from) -> \(id);") }
    }
    lines.append("}")
    return lines.joined(separator: "\n") + "\n"
  }

  /// A DOT string literal: quotes and backslashes escaped, newlines as `\n`.
  static func quote(_ text: String) -> String {
    let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(
      of: "\"", with: "\\\""
    )
    .replacingOccurrences(of: "\n", with: "\\n")
    return "\"\(escaped)\""
  }
}

extension Graph {
  /// This graph in Graphviz DOT; see ``GraphvizExporter``.
  public func dot(timeShares: [String: Double]? = nil) -> String {
    GraphvizExporter.dot(self, timeShares: timeShares)
  }
}
