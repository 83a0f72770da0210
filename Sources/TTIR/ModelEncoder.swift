import Foundation

/// Turns a ``Graph`` into the `model.json` document (version 1).
enum ModelEncoder {
  /// Where the weights go: a safetensors file named relative to the JSON, or inline base64.
  enum Weights {
    case file(String)
    case inline
  }

  static func document(for graph: Graph, weights: Weights) -> JSON {
    .object([
      "format": .string(ModelFile.format),
      "version": .int(ModelFile.version),
      "name": .string(graph.name),
      "inputs": .array(graph.inputs.map(valueInfo)),
      "outputs": .array(graph.outputs.map(valueInfo)),
      "nodes": .array(graph.nodes.map(node)),
      "weights": weightsSection(graph, weights),
    ])
  }

  private static func valueInfo(_ info: ValueInfo) -> JSON {
    .object([
      "name": .string(info.name), "dtype": .string(info.type.dtype.rawValue),
      "shape": shape(info.type),
    ])
  }

  private static func shape(_ type: TensorType) -> JSON { .array(type.shape.map(JSON.int)) }

  private static func node(_ node: Node) -> JSON {
    var members: [JSON.Member] = [
      .init(key: "name", value: .string(node.name)),
      .init(key: "op", value: .string(node.op.rawValue)),
      .init(key: "inputs", value: .array(node.inputs.map(JSON.string))),
      .init(key: "outputs", value: .array(node.outputs.map(JSON.string))),
    ]
    if !node.attributes.isEmpty {
      let attributes = node.attributes.keys.sorted().map {
        JSON.Member(key: $0, value: attribute(node.attributes[$0]!))
      }
      members.append(.init(key: "attrs", value: .object(attributes)))
    }
    return .object(members)
  }

  static func attribute(_ value: AttributeValue) -> JSON {
    switch value {
    case .int(let number): .int(number)
    case .float(let number): .double(number)
    case .string(let text): .string(text)
    case .bool(let flag): .bool(flag)
    case .ints(let numbers): .array(numbers.map(JSON.int))
    case .floats(let numbers): .array(numbers.map(JSON.double))
    }
  }

  private static func weightsSection(_ graph: Graph, _ weights: Weights) -> JSON {
    let names = graph.weights.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    switch weights {
    case .file(let file):
      let tensors = names.map { name -> JSON in
        let type = graph.weights[name]!.type
        return .object([
          "name": .string(name), "dtype": .string(type.dtype.rawValue), "shape": shape(type),
        ])
      }
      return .object(["file": .string(file), "tensors": .array(tensors)])
    case .inline:
      let tensors = names.map { name -> JSON.Member in
        let data = graph.weights[name]!
        let entry = JSON.object([
          "dtype": .string(data.dtype.rawValue), "shape": shape(data.type),
          "data": .string(Data(data.bytes).base64EncodedString()),
        ])
        return JSON.Member(key: name, value: entry)
      }
      return .object(["inline": .object(tensors)])
    }
  }
}
