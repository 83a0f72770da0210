import Foundation

/// Reads the `model.json` document (version 1) into a graph skeleton plus a weights reference.
///
/// Every structural problem becomes a one-line ``ModelFileError`` naming the JSON path
/// (`nodes[2].inputs`) or the node (`node 'fc1'`). Semantic checks (dangling names, cycles,
/// shapes) are left to the ``Verifier``.
struct ModelDecoder {
  /// The weights section.
  enum Weights {
    /// Declared tensors stored in a safetensors file at a path relative to the JSON.
    case file(String, [ValueInfo])
    /// Tensors embedded as base64.
    case inline([String: TensorData])
  }

  let path: String
  /// Whether `weights.file` may leave the model's folder with `..` (never by default: a model
  /// file could otherwise make ttc read any file the user can).
  var allowsWeightsOutsideFolder = false

  private func fail(_ message: String) -> ModelFileError { ModelFileError(path: path, message) }

  func decode(_ bytes: [UInt8]) throws(ModelFileError) -> (graph: Graph, weights: Weights) {
    let document: JSON
    do {
      document = try JSONParser.parse(bytes)
    } catch {
      throw fail("not a model file: \(error)")
    }
    guard case .object = document else {
      throw fail("not a model file: the document is \(document.typeName), not an object")
    }
    guard case .string(let format)? = document["format"] else {
      throw fail("not a model file: missing \"format\": \"\(ModelFile.format)\"")
    }
    guard format == ModelFile.format else {
      throw fail("format is \"\(format)\", expected \"\(ModelFile.format)\"")
    }
    guard case .int(let version)? = document["version"] else {
      throw fail("\"version\" must be an integer")
    }
    guard version == ModelFile.version else {
      throw fail("unsupported version \(version) (this build reads version \(ModelFile.version))")
    }
    try checkKeys(
      document, ["format", "version", "name", "inputs", "outputs", "nodes", "weights"], "the model")
    let name = try string(document["name"], "name")
    let inputs = try array(document["inputs"], "inputs").enumerated().map {
      index, value throws(ModelFileError) in
      try valueInfo(value, "inputs[\(index)]")
    }
    let outputs = try array(document["outputs"], "outputs").enumerated().map {
      index, value throws(ModelFileError) in
      try valueInfo(value, "outputs[\(index)]")
    }
    let nodes = try array(document["nodes"], "nodes").enumerated().map {
      index, value throws(ModelFileError) in
      try node(value, "nodes[\(index)]")
    }
    let weights = try weightsSection(document["weights"])
    return (Graph(name: name, inputs: inputs, outputs: outputs, nodes: nodes), weights)
  }

  // MARK: Sections

  private func valueInfo(_ json: JSON, _ context: String) throws(ModelFileError) -> ValueInfo {
    try checkKeys(json, ["name", "dtype", "shape"], context)
    return ValueInfo(
      name: try string(json["name"], "\(context).name"),
      type: try tensorType(json, context))
  }

  private func tensorType(_ json: JSON, _ context: String) throws(ModelFileError) -> TensorType {
    let dtypeName = try string(json["dtype"], "\(context).dtype")
    guard let dtype = DType(rawValue: dtypeName) else {
      let known = DType.allCases.map(\.rawValue).joined(separator: ", ")
      throw fail("\(context).dtype \"\(dtypeName)\" is not one of \(known)")
    }
    let shape = try ints(json["shape"], "\(context).shape")
    guard shape.allSatisfy({ $0 >= 0 }) else {
      throw fail("\(context).shape \(shape) has a negative dimension (shapes are static)")
    }
    return TensorType(dtype, shape)
  }

  private func node(_ json: JSON, _ context: String) throws(ModelFileError) -> Node {
    let name = try string(json["name"], "\(context).name")
    let subject = "node '\(name)'"
    try checkKeys(json, ["name", "op", "inputs", "outputs", "attrs"], subject)
    let opName = try string(json["op"], "\(subject).op")
    guard let op = Op(rawValue: opName) else {
      let supported = Op.allCases.map(\.rawValue).joined(separator: ", ")
      throw fail("\(subject): unknown op '\(opName)' (supported ops: \(supported))")
    }
    let inputs = try strings(json["inputs"], "\(subject).inputs")
    let outputs = try strings(json["outputs"], "\(subject).outputs")
    var node = Node(name: name, op: op, inputs: inputs, outputs: outputs)
    if let attrs = json["attrs"] {
      guard case .object(let members) = attrs else {
        throw fail("\(subject).attrs must be an object, got \(attrs.typeName)")
      }
      for member in members {
        node.attributes[member.key] = try attribute(member.key, member.value, node)
      }
    }
    return node
  }

  /// Decodes an attribute as its schema declares it (integers widen to floats); attributes the
  /// op does not declare decode by their JSON form and are reported by the verifier.
  private func attribute(_ name: String, _ json: JSON, _ node: Node) throws(ModelFileError)
    -> AttributeValue
  {
    let spec = node.op.schema.attribute(named: name)
    let generic: AttributeValue?
    switch json {
    case .int(let number): generic = .int(number)
    case .double(let number): generic = .float(number)
    case .string(let text): generic = .string(text)
    case .bool(let flag): generic = .bool(flag)
    case .array(let elements):
      let integers = elements.compactMap { if case .int(let n) = $0 { n } else { nil } }
      let numbers = elements.compactMap { element -> Double? in
        switch element {
        case .int(let n): Double(n)
        case .double(let n): n
        default: nil
        }
      }
      if integers.count == elements.count {
        generic = spec?.kind == .floats ? .floats(numbers) : .ints(integers)
      } else if numbers.count == elements.count {
        generic = .floats(numbers)
      } else {
        generic = nil
      }
    default: generic = nil
    }
    guard let generic else {
      throw ModelFileError(
        path: path,
        GraphError(node: node, "attribute '\(name)' has unsupported JSON value \(json.typeName)"))
    }
    guard let spec else { return generic }
    guard let converted = generic.converted(to: spec.kind) else {
      throw ModelFileError(
        path: path,
        GraphError(node: node, "attribute '\(name)' must be \(spec.kind), got \(generic)"))
    }
    return converted
  }

  private func weightsSection(_ json: JSON?) throws(ModelFileError) -> Weights {
    guard let json else {
      throw fail("missing \"weights\" (use {\"inline\": {}} for a model without weights)")
    }
    guard json["inline"] != nil || json["file"] != nil else {
      throw fail("\"weights\" must be {\"file\": ..., \"tensors\": [...]} or {\"inline\": {...}}")
    }
    if let inline = json["inline"] {
      try checkKeys(json, ["inline"], "weights")
      guard case .object(let entries) = inline else {
        throw fail("weights.inline must be an object")
      }
      var tensors: [String: TensorData] = [:]
      for entry in entries {
        tensors[entry.key] = try inlineTensor(entry.value, "weights.inline['\(entry.key)']")
      }
      return .inline(tensors)
    }
    try checkKeys(json, ["file", "tensors"], "weights")
    let file = try string(json["file"], "weights.file")
    guard !file.isEmpty, !file.hasPrefix("/") else {
      throw fail("weights.file \"\(file)\" must be a path relative to the model file")
    }
    // A model file may only point at weights in its own folder (or below), like a path that is
    // not absolute: "../" could make it read any file the user can.
    guard allowsWeightsOutsideFolder || !file.split(separator: "/").contains("..") else {
      throw fail(
        "weights.file \"\(file)\" leaves the model's folder (\"..\" is not allowed unless asked for: "
          + "ttc --allow-weights-outside-folder)")
    }
    let tensors = try array(json["tensors"], "weights.tensors").enumerated().map {
      index, value throws(ModelFileError) in
      try valueInfo(value, "weights.tensors[\(index)]")
    }
    return .file(file, tensors)
  }

  private func inlineTensor(_ json: JSON, _ context: String) throws(ModelFileError) -> TensorData {
    try checkKeys(json, ["dtype", "shape", "data"], context)
    let type = try tensorType(json, context)
    let encoded = try string(json["data"], "\(context).data")
    guard let data = Data(base64Encoded: encoded) else {
      throw fail("\(context).data is not valid base64")
    }
    do {
      return try TensorData(type: type, bytes: [UInt8](data))
    } catch {
      throw fail("\(context): \(error)")
    }
  }

  // MARK: Primitive readers

  private func checkKeys(_ json: JSON, _ allowed: [String], _ context: String)
    throws(ModelFileError)
  {
    guard case .object(let members) = json else {
      throw fail("\(context) must be an object, got \(json.typeName)")
    }
    if let unknown = members.first(where: { !allowed.contains($0.key) }) {
      throw fail(
        "\(context) has unknown key \"\(unknown.key)\" (allowed: \(allowed.joined(separator: ", ")))"
      )
    }
  }

  private func string(_ json: JSON?, _ context: String) throws(ModelFileError) -> String {
    guard case .string(let text)? = json else {
      throw fail("\(context) must be a string, got \(json?.typeName ?? "nothing")")
    }
    return text
  }

  private func array(_ json: JSON?, _ context: String) throws(ModelFileError) -> [JSON] {
    guard case .array(let elements)? = json else {
      throw fail("\(context) must be an array, got \(json?.typeName ?? "nothing")")
    }
    return elements
  }

  private func strings(_ json: JSON?, _ context: String) throws(ModelFileError) -> [String] {
    try array(json, context).map { element throws(ModelFileError) in
      guard case .string(let text) = element else {
        throw fail("\(context) must contain only strings")
      }
      return text
    }
  }

  private func ints(_ json: JSON?, _ context: String) throws(ModelFileError) -> [Int] {
    try array(json, context).map { element throws(ModelFileError) in
      guard case .int(let number) = element else {
        throw fail("\(context) must contain only integers")
      }
      return number
    }
  }
}
