import Foundation
import TTIR

/// One ONNX node being converted: its inputs, attributes, and the helpers converters use to
/// emit IR nodes (named `<node>/<op>`) and constants.
struct NodeContext {
  let session: ImportSession
  let node: Onnx_NodeProto
  /// The node's display name: its ONNX name, else its first output's name.
  let name: String
  /// The model folder, for tensor attributes with external data.
  let directory: URL?

  /// The model's opset for this node's domain.
  var opset: Int { session.opset }

  /// `node 'conv1' (Conv, opset 13)`.
  var location: String { "node '\(name)' (\(node.opType), opset \(opset))" }

  /// An error located at this node.
  func fail(_ message: String) -> ONNXError { ONNXError("\(location): \(message)") }

  // MARK: Inputs

  /// Whether input `index` is present (ONNX marks absent optional inputs with "").
  func has(_ index: Int) -> Bool { index < node.input.count && !node.input[index].isEmpty }

  /// Input `index` (required).
  func value(_ index: Int) throws(ONNXError) -> ImportedValue {
    guard has(index) else { throw fail("input \(index) is missing") }
    guard let value = session.values[node.input[index]] else {
      throw fail("input '\(node.input[index])' is not defined by any earlier node, input or initializer")
    }
    return value
  }

  /// Input `index` if present.
  func optionalValue(_ index: Int) throws(ONNXError) -> ImportedValue? {
    has(index) ? try value(index) : nil
  }

  /// All present inputs.
  func values() throws(ONNXError) -> [ImportedValue] {
    var result: [ImportedValue] = []
    for index in node.input.indices where has(index) { result.append(try value(index)) }
    return result
  }

  /// The type of input `index`.
  func type(_ index: Int) throws(ONNXError) -> TensorType { session.type(of: try value(index)) }

  /// The ONNX element type of input `index`: the one recorded for a value held in a wider IR
  /// dtype (``ImportSession/widenedTypes``), else the one of its IR dtype.
  func elementType(_ index: Int) throws(ONNXError) -> Int32 {
    let dtype = try type(index).dtype
    return session.widenedTypes[node.input[index]] ?? ONNXDataType.code(dtype)
  }

  /// The IR name of input `index`, adding it as a weight if it is a constant.
  func tensor(_ index: Int) throws(ONNXError) -> String {
    session.tensorName(try value(index))
  }

  /// The IR name of a value (constants become weights).
  func tensor(_ value: ImportedValue) -> String { session.tensorName(value, hint: "\(name)/const") }

  /// Input `index`, which must be known at import time (shapes, axes, pads...).
  ///
  /// - Throws: a message naming the input and `role` when it is computed at run time.
  func constant(_ index: Int, _ role: String) throws(ONNXError) -> TensorData {
    guard let data = try value(index).constant else {
      let name = node.input[index]
      throw ONNXError(
        "\(location): input '\(name)' (\(role)) must be a constant: TinyTorch graphs have static shapes",
        inputNeedingConstant: session.isGraphInput(name) ? name : nil)
    }
    return data
  }

  /// An optional constant integer-list input.
  func constantInts(_ index: Int, _ role: String) throws(ONNXError) -> [Int]? {
    has(index) ? try constant(index, role).int64s().map { Int($0) } : nil
  }

  // MARK: Attributes

  /// The attribute called `name`, if set.
  func attribute(_ name: String) -> Onnx_AttributeProto? {
    node.attribute.first { $0.name == name }
  }

  /// An integer attribute.
  func int(_ name: String, _ defaultValue: Int) -> Int {
    attribute(name).map { Int($0.i) } ?? defaultValue
  }

  /// An integer attribute without default.
  func int(_ name: String) -> Int? { attribute(name).map { Int($0.i) } }

  /// A float attribute.
  func float(_ name: String, _ defaultValue: Float) -> Float {
    attribute(name).map(\.f) ?? defaultValue
  }

  /// An integer-list attribute.
  func ints(_ name: String) -> [Int]? { attribute(name).map { $0.ints.map { Int($0) } } }

  /// A float-list attribute.
  func floats(_ name: String) -> [Float]? { attribute(name).map(\.floats) }

  /// A string attribute.
  func string(_ name: String, _ defaultValue: String) -> String {
    attribute(name).map { String(decoding: $0.s, as: UTF8.self) } ?? defaultValue
  }

  /// A tensor attribute (e.g. `Constant.value`).
  func tensorAttribute(_ name: String) throws(ONNXError) -> TensorData? {
    guard let proto = attribute(name) else { return nil }
    do {
      return try proto.t.tensorData(directory: directory)
    } catch {
      throw fail("attribute '\(name)': \(error)")
    }
  }

  /// A normalized axis for a tensor of `rank` (ONNX allows `-rank..<rank`).
  func axis(_ axis: Int, rank: Int) throws(ONNXError) -> Int {
    guard let normalized = ShapeInference.normalizedAxis(axis, rank: rank) else {
      throw fail("axis \(axis) is out of range for rank \(rank)")
    }
    return normalized
  }

  /// Normalized axes, each once.
  func axes(_ axes: [Int], rank: Int) throws(ONNXError) -> [Int] {
    var result: [Int] = []
    for value in axes {
      let normalized = try axis(value, rank: rank)
      guard !result.contains(normalized) else { throw fail("axis \(value) is repeated") }
      result.append(normalized)
    }
    return result
  }

  // MARK: Emitting

  /// Emits an IR node reading `inputs` and returns its output as a value.
  func emit(_ op: Op, _ inputs: [String], _ attributes: [String: AttributeValue] = [:])
    throws(ONNXError) -> ImportedValue
  {
    let output = session.freshName("\(name)/\(op)")
    do {
      return .tensor(try session.emit(op, inputs, attributes, output: output, nodeName: output))
    } catch {
      throw fail("lowered to \(op): \(error.message)")
    }
  }

  /// Emits an IR node reading `values` (constants become weights).
  func emit(_ op: Op, values: [ImportedValue], _ attributes: [String: AttributeValue] = [:])
    throws(ONNXError) -> ImportedValue
  {
    try emit(op, values.map { tensor($0) }, attributes)
  }

  /// A scalar constant of `dtype` holding `value`.
  func scalar(_ value: Double, _ dtype: DType) -> ImportedValue {
    .constant(ConstantFolding.filled(value, dtype: dtype, shape: []))
  }
}
