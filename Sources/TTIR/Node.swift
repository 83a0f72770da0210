/// One operation in a graph: reads named values, writes named values.
///
/// Values are referred to by name; a name is defined once, by a graph input, a weight or
/// exactly one node output.
public struct Node: Hashable, Sendable, CustomStringConvertible {
  /// The node name, unique within the graph (used in error messages and profiles).
  public var name: String
  /// The operation.
  public var op: Op
  /// The names of the values read, in the order of `op.schema.inputNames`.
  public var inputs: [String]
  /// The names of the values written (one for every current op).
  public var outputs: [String]
  /// Attributes as set on the node; omitted optional attributes take the schema default
  /// through the typed accessors (``int(_:)``, ``ints(_:)``, ...).
  public var attributes: [String: AttributeValue]

  /// Creates a node.
  ///
  /// Attribute values are stored in the kind the op's schema declares when they convert
  /// losslessly (`"max": 6` on `clamp` is stored as `.float(6)`), so a node reads back from
  /// `model.json` equal to the node that was written.
  public init(
    name: String, op: Op, inputs: [String], outputs: [String],
    attributes: [String: AttributeValue] = [:]
  ) {
    self.name = name
    self.op = op
    self.inputs = inputs
    self.outputs = outputs
    let schema = op.schema
    self.attributes = attributes.reduce(into: [:]) { result, entry in
      let kind = schema.attribute(named: entry.key)?.kind
      result[entry.key] = kind.flatMap { entry.value.converted(to: $0) } ?? entry.value
    }
  }

  /// The attribute called `name` as set on the node, or else the op's default for it.
  public func attribute(_ name: String) -> AttributeValue? {
    attributes[name] ?? op.schema.attribute(named: name)?.defaultValue
  }

  /// The integer attribute `name` (or its default).
  public func int(_ name: String) -> Int? { attribute(name)?.intValue }
  /// The float attribute `name` (or its default); integer values widen.
  public func float(_ name: String) -> Double? { attribute(name)?.floatValue }
  /// The boolean attribute `name` (or its default).
  public func bool(_ name: String) -> Bool? { attribute(name)?.boolValue }
  /// The string attribute `name` (or its default).
  public func string(_ name: String) -> String? { attribute(name)?.stringValue }
  /// The integer-list attribute `name` (or its default).
  public func ints(_ name: String) -> [Int]? { attribute(name)?.intsValue }
  /// The float-list attribute `name` (or its default); integer values widen.
  public func floats(_ name: String) -> [Double]? { attribute(name)?.floatsValue }

  /// `fc1 = linear(x, fc1.weight, fc1.bias)  # fc1`: the attributes, if any, go in braces in
  /// name order before the `# node name` comment.
  public var description: String {
    let attrs = attributes.keys.sorted().map { "\($0)=\(attributes[$0]!)" }
    let suffix = attrs.isEmpty ? "" : " {\(attrs.joined(separator: ", "))}"
    return
      "\(outputs.joined(separator: ", ")) = \(op)(\(inputs.joined(separator: ", ")))\(suffix)  # \(name)"
  }
}
