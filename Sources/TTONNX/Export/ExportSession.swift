import Foundation
import TTIR

/// The ONNX graph being written by ``ONNXExporter``: nodes, initializers, fresh names.
final class ExportSession {
  private(set) var nodes: [Onnx_NodeProto] = []
  private(set) var initializers: [Onnx_TensorProto] = []
  /// The IR types of every graph value.
  let types: [String: TensorType]
  /// The graph's weights.
  let weights: [String: TensorData]
  private var taken: Set<String>
  /// The next suffix to try per base name, so making many names from one base stays linear.
  private var nextSuffix: [String: Int] = [:]

  init(graph: Graph, types: [String: TensorType]) {
    self.types = types
    self.weights = graph.weights
    taken = Set(types.keys).union(graph.nodes.map(\.name))
  }

  /// A name no value or node uses yet.
  func freshName(_ base: String) -> String {
    var candidate = base
    while taken.contains(candidate) {
      let index = nextSuffix[base, default: 1]
      nextSuffix[base] = index + 1
      candidate = "\(base)_\(index)"
    }
    taken.insert(candidate)
    return candidate
  }

  /// Adds an initializer and returns its name.
  func constant(_ data: TensorData, _ hint: String) -> String {
    let name = freshName(hint)
    initializers.append(Onnx_TensorProto(data, name: name))
    return name
  }

  /// Adds an initializer under its own (weight) name.
  func weight(_ name: String, _ data: TensorData) {
    initializers.append(Onnx_TensorProto(data, name: name))
  }

  /// An `int64` list constant.
  func ints(_ values: [Int], _ hint: String) -> String {
    constant(TensorData(int64s: values.map(Int64.init), shape: [values.count]), hint)
  }

  /// Appends a node of `opType` and returns its output name (`output`, or a fresh one).
  @discardableResult
  func add(
    _ opType: String, _ inputs: [String], _ attributes: [Onnx_AttributeProto] = [], name: String,
    output: String? = nil
  ) -> String {
    var node = Onnx_NodeProto()
    node.opType = opType
    node.input = inputs
    let result = output ?? freshName("\(name)/\(opType)")
    node.output = [result]
    node.name = output == nil ? result : freshName(name)
    node.attribute = attributes
    nodes.append(node)
    return result
  }
}

/// Attribute constructors.
enum Attribute {
  static func int(_ name: String, _ value: Int) -> Onnx_AttributeProto {
    var attribute = Onnx_AttributeProto()
    attribute.name = name
    attribute.type = .int
    attribute.i = Int64(value)
    return attribute
  }

  static func float(_ name: String, _ value: Double) -> Onnx_AttributeProto {
    var attribute = Onnx_AttributeProto()
    attribute.name = name
    attribute.type = .float
    attribute.f = Float(value)
    return attribute
  }

  static func ints(_ name: String, _ values: [Int]) -> Onnx_AttributeProto {
    var attribute = Onnx_AttributeProto()
    attribute.name = name
    attribute.type = .ints
    attribute.ints = values.map(Int64.init)
    return attribute
  }

  static func string(_ name: String, _ value: String) -> Onnx_AttributeProto {
    var attribute = Onnx_AttributeProto()
    attribute.name = name
    attribute.type = .string
    attribute.s = Data(value.utf8)
    return attribute
  }
}
