import TTIR

/// The graph being built during one import: IR nodes, their types, weights, and the ONNX
/// values seen so far.
///
/// Node and value names are the ONNX ones where possible; helper nodes that one ONNX node
/// lowers to are called `<node>/<op>` (made unique), so the IR reads like the ONNX graph.
final class ImportSession {
  /// The model's `ai.onnx` opset version.
  let opset: Int
  /// The ONNX values by name.
  var values: [String: ImportedValue] = [:]
  /// The ONNX element type of values held in a wider IR dtype (`UINT8`, `INT16` and `UINT16` in
  /// `i32`; `BOOL`, `DOUBLE` and `BFLOAT16` in `f32`), by ONNX name: initializers, graph inputs,
  /// `Constant` outputs and `UINT8` `QuantizeLinear` outputs. Values computed from them by other ops are not tracked.
  var widenedTypes: [String: Int32] = [:]
  private(set) var nodes: [Node] = []
  private(set) var weights: [String: TensorData] = [:]
  private(set) var types: [String: TensorType] = [:]
  /// Constants already turned into weights, by ONNX name.
  private var materialized: [String: String] = [:]
  private var taken: Set<String>
  private var nodeNames: Set<String> = []
  /// The next suffix to try per base name, so making many names from one base stays linear.
  private var nextSuffix: [String: Int] = [:]

  /// - Parameter reserved: every name the ONNX graph uses, so helper names never clash.
  init(opset: Int, reserved: Set<String>) {
    self.opset = opset
    self.taken = reserved
  }

  /// Records the ONNX element type `code` of the value `name` when its IR dtype is wider (or,
  /// for `BOOL`, a float).
  func recordElementType(_ code: Int32, of name: String) {
    if code == ONNXDataType.bool || ONNXDataType.dtype(code) == nil && ONNXDataType.storedDType(code) != nil {
      widenedTypes[name] = code
    }
  }

  /// Declares a graph input.
  func addInput(_ name: String, _ type: TensorType) {
    types[name] = type
    values[name] = .tensor(name)
    inputNames.insert(name)
  }

  /// The type of a value.
  func type(of value: ImportedValue) -> TensorType {
    switch value {
    case .tensor(let name): types[name]!
    case .constant(let data, _): data.type
    }
  }

  /// The IR name of `value`, adding a constant as a weight (once per ONNX name; unnamed ones
  /// are called after `hint`) if needed.
  func tensorName(_ value: ImportedValue, hint: String = "const") -> String {
    switch value {
    case .tensor(let name):
      return name
    case .constant(let data, let onnxName):
      if let onnxName, let existing = materialized[onnxName] { return existing }
      let name = onnxName.flatMap { types[$0] == nil ? $0 : nil } ?? freshName(onnxName ?? hint)
      weights[name] = data
      types[name] = data.type
      if let onnxName { materialized[onnxName] = name }
      return name
    }
  }

  /// A name used by no ONNX value and no IR value: `base`, else `base_1`, `base_2`, ...
  func freshName(_ base: String) -> String {
    var candidate = base
    while taken.contains(candidate) || types[candidate] != nil {
      let index = nextSuffix[base, default: 1]
      nextSuffix[base] = index + 1
      candidate = "\(base)_\(index)"
    }
    taken.insert(candidate)
    return candidate
  }

  /// `name` when no IR value has it yet (an ONNX output name), else a fresh variant.
  func outputName(_ name: String) -> String {
    types[name] == nil && !name.isEmpty ? name : freshName(name.isEmpty ? "value" : name)
  }

  /// Appends an IR node and returns its output name.
  ///
  /// - Parameters:
  ///   - output: The output's name; must be unused (an ONNX output name or a fresh name).
  ///   - nodeName: The node name, made unique.
  /// - Throws: the shape inference error, as raised.
  func emit(
    _ op: Op, _ inputs: [String], _ attributes: [String: AttributeValue], output: String,
    nodeName: String
  ) throws(GraphError) -> String {
    var name = nodeName
    while nodeNames.contains(name) {
      let index = nextSuffix["node:" + nodeName, default: 1]
      nextSuffix["node:" + nodeName] = index + 1
      name = "\(nodeName)_\(index)"
    }
    let node = Node(name: name, op: op, inputs: inputs, outputs: [output], attributes: attributes)
    let type = try ShapeInference.outputTypes(of: node, inputTypes: inputs.map { types[$0]! })[0]
    nodeNames.insert(name)
    taken.insert(output)
    types[output] = type
    nodes.append(node)
    return output
  }

  /// Whether `name` is the output of a node (not a graph input or weight).
  func isNodeOutput(_ name: String) -> Bool {
    types[name] != nil && weights[name] == nil && !inputNames.contains(name)
  }

  private var inputNames: Set<String> = []

  /// Whether `name` is a graph input.
  func isGraphInput(_ name: String) -> Bool { inputNames.contains(name) }
}

extension ImportSession {
  /// Renames the value `old`, defined by a node at index `since` or later, to `new` (an ONNX
  /// output name), updating the nodes after it. Returns the name the value ends up with.
  func rename(_ old: String, to new: String, since: Int) -> String {
    guard old != new, !new.isEmpty, types[new] == nil,
      let definer = nodes[since...].firstIndex(where: { $0.outputs == [old] })
    else { return old }
    for index in definer..<nodes.count {
      var node = nodes[index]
      node.inputs = node.inputs.map { $0 == old ? new : $0 }
      if index == definer {
        node.outputs = [new]
      }
      nodes[index] = node
    }
    types[new] = types.removeValue(forKey: old)
    taken.insert(new)
    return new
  }

  /// Renames node `index` (a helper) to `name` when no node has that name yet.
  func renameNode(at index: Int, to name: String) {
    guard !name.isEmpty, !nodeNames.contains(name) else { return }
    nodeNames.remove(nodes[index].name)
    nodeNames.insert(name)
    nodes[index].name = name
  }

  /// The number of nodes emitted so far.
  var nodeCount: Int { nodes.count }
}
