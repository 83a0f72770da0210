/// A stable handle to a node inside a ``GraphEditor``; it stays valid while other nodes are
/// inserted or removed.
public struct NodeID: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// The node's slot in the editor (slots are never reused).
  public let slot: Int

  public static func < (lhs: NodeID, rhs: NodeID) -> Bool { lhs.slot < rhs.slot }
  /// `#3`.
  public var description: String { "#\(slot)" }
}

/// A graph opened for rewriting: a use-def index built once, cached value types, O(1)
/// insertion and removal that keep the nodes in order, and one ``NameAllocator`` each for
/// node and value names.
///
/// ```swift
/// var editor = try GraphEditor(graph)
/// for id in editor.nodeIDs where editor[id].op == .mul {
///   // x · 1 → x
///   let node = editor[id]
///   if editor.isScalarConstant(node.inputs[1], equalTo: 1) {
///     editor.replaceAllUses(of: node.outputs[0], with: node.inputs[0])
///   }
/// }
/// editor.removeDeadNodes()
/// graph = editor.graph
/// ```
///
/// Lookups (``producer(of:)``, ``consumers(of:)``, ``type(of:)``) are O(1); the index is
/// updated by every edit, so it is built once per pass rather than rescanned per lookup.
/// Nodes form a linked list in graph order: ``insert(_:before:)`` and ``insert(_:after:)``
/// place a node exactly there, and ``remove(_:)`` unlinks one, both in O(1). An edit is not
/// checked against the rest of the graph (a removed node may still be read, an inserted node may
/// read a value defined later); ``graph`` returns the result as is, and the pass manager's
/// verifier names the node at fault.
public struct GraphEditor: Sendable {
  /// The model name.
  public var name: String
  /// The graph inputs, unchanged by editing.
  public private(set) var inputs: [ValueInfo]
  /// The graph outputs; their names are part of the model's interface and never change.
  public private(set) var outputs: [ValueInfo]
  /// The weights (constants), by value name.
  public private(set) var weights: [String: TensorData]

  private var slots: [Node?] = []
  private var next: [Int] = []
  private var previous: [Int] = []
  private var head = -1
  private var tail = -1
  private var producers: [String: NodeID] = [:]
  private var readers: [String: [NodeID]] = [:]
  private var types: [String: TensorType]
  private var outputNames: Set<String>
  private var inputNames: Set<String>
  /// Node names.
  public private(set) var nodeNames: NameAllocator
  /// Value names (inputs, weights, node outputs).
  public private(set) var valueNames: NameAllocator

  /// Opens `graph` for editing, inferring every value type once.
  ///
  /// - Throws: ``GraphError`` when shape inference fails (verify the graph first).
  public init(_ graph: Graph) throws(GraphError) {
    name = graph.name
    inputs = graph.inputs
    outputs = graph.outputs
    weights = graph.weights
    types = try graph.valueTypes()
    outputNames = Set(graph.outputs.map(\.name))
    inputNames = Set(graph.inputs.map(\.name))
    nodeNames = NameAllocator(reserving: graph.nodes.map(\.name))
    valueNames = NameAllocator(
      reserving: graph.inputs.map(\.name) + graph.weights.keys + graph.nodes.flatMap(\.outputs))
    slots.reserveCapacity(graph.nodes.count)
    for node in graph.nodes { link(node, after: tail) }
  }

  // MARK: Reading

  /// The graph as edited, nodes in list order; weights no node or output reads are kept (the
  /// `drop-unused-weights` pass removes them).
  public var graph: Graph {
    Graph(name: name, inputs: inputs, outputs: outputs, nodes: nodeIDs.map { self[$0] }, weights: weights)
  }

  /// The live nodes in graph order.
  public var nodeIDs: [NodeID] {
    var ids: [NodeID] = []
    var slot = head
    while slot >= 0 {
      ids.append(NodeID(slot: slot))
      slot = next[slot]
    }
    return ids
  }

  /// The number of live nodes.
  public private(set) var nodeCount = 0

  /// The node `id` (which must not have been removed).
  public subscript(id: NodeID) -> Node {
    guard let node = slots[id.slot] else { preconditionFailure("node \(id) was removed") }
    return node
  }

  /// Whether `id` is still in the graph.
  public func contains(_ id: NodeID) -> Bool { slots[id.slot] != nil }

  /// The node after `id` in graph order, or nil at the end.
  public func node(after id: NodeID) -> NodeID? {
    next[id.slot] >= 0 ? NodeID(slot: next[id.slot]) : nil
  }

  /// The node that writes `value`, or nil for inputs, weights and unknown names.
  public func producer(of value: String) -> NodeID? { producers[value] }

  /// The nodes that read `value`, each once, in the order they started reading it.
  public func consumers(of value: String) -> [NodeID] { readers[value] ?? [] }

  /// Whether anything reads `value`: a node or the graph's outputs.
  public func isUsed(_ value: String) -> Bool {
    !(readers[value]?.isEmpty ?? true) || outputNames.contains(value)
  }

  /// Whether `value` is a graph output.
  public func isGraphOutput(_ value: String) -> Bool { outputNames.contains(value) }

  /// Whether `value` is a graph input.
  public func isGraphInput(_ value: String) -> Bool { inputNames.contains(value) }

  /// Where `value` is defined, or nil if nothing defines it.
  public func kind(of value: String) -> ValueKind? {
    if inputNames.contains(value) { return .input }
    if weights[value] != nil { return .weight }
    return producers[value].map { .node($0) }
  }

  /// The type of `value` (cached; inserted nodes have theirs inferred on insertion).
  public func type(of value: String) -> TensorType? { types[value] }

  /// The weight called `value`, if it is one.
  public func constant(_ value: String) -> TensorData? { weights[value] }

  /// Whether `value` is a weight holding one number (any shape with one element) equal to
  /// `number`.
  public func isScalarConstant(_ value: String, equalTo number: Float) -> Bool {
    guard let data = weights[value], data.type.elementCount == 1 else { return false }
    return data.floats()[0] == number
  }

  // MARK: Editing

  /// Inserts `node` immediately before `id`; its output type is inferred and cached.
  ///
  /// - Throws: ``GraphError`` naming `node` when an input is undefined or inference fails.
  @discardableResult
  public mutating func insert(_ node: Node, before id: NodeID) throws(GraphError) -> NodeID {
    try inferTypes(of: node)
    return link(node, after: previous[id.slot])
  }

  /// Inserts `node` immediately after `id` (at the start when `id` is nil).
  ///
  /// - Throws: ``GraphError`` naming `node` when an input is undefined or inference fails.
  @discardableResult
  public mutating func insert(_ node: Node, after id: NodeID?) throws(GraphError) -> NodeID {
    try inferTypes(of: node)
    return link(node, after: id?.slot ?? -1)
  }

  /// Appends `node` at the end.
  @discardableResult
  public mutating func append(_ node: Node) throws(GraphError) -> NodeID {
    try inferTypes(of: node)
    return link(node, after: tail)
  }

  /// Removes the node `id`. Its outputs become undefined; anything still reading them is
  /// reported by the verifier.
  public mutating func remove(_ id: NodeID) {
    let node = self[id]
    for input in Set(node.inputs) { readers[input]?.removeAll { $0 == id } }
    for output in node.outputs where producers[output] == id { producers[output] = nil }
    slots[id.slot] = nil
    let (before, after) = (previous[id.slot], next[id.slot])
    if before >= 0 { next[before] = after } else { head = after }
    if after >= 0 { previous[after] = before } else { tail = before }
    nodeCount -= 1
  }

  /// Replaces the inputs of node `id`, keeping the index current.
  public mutating func setInputs(of id: NodeID, to inputs: [String]) {
    var node = self[id]
    for input in Set(node.inputs) { readers[input]?.removeAll { $0 == id } }
    node.inputs = inputs
    slots[id.slot] = node
    for input in Set(inputs) { readers[input, default: []].append(id) }
  }

  /// Replaces the attributes of node `id` (its output type is assumed unchanged).
  public mutating func setAttributes(of id: NodeID, to attributes: [String: AttributeValue]) {
    let node = self[id]
    slots[id.slot] = Node(
      name: node.name, op: node.op, inputs: node.inputs, outputs: node.outputs, attributes: attributes)
  }

  /// Makes every reader of `old` read `new` instead, graph outputs included.
  ///
  /// A graph output keeps its name (it is the model's interface): when `old` is one, `new`'s
  /// producer is made to write the name `old` instead (and `old`'s former producer gets a fresh
  /// output name, leaving it dead). That is impossible when `new` is a graph input, a weight or
  /// another graph output; then nothing changes and the method returns false (see
  /// ``canReplaceAllUses(of:with:)``). Both values must have the same type.
  @discardableResult
  public mutating func replaceAllUses(of old: String, with new: String) -> Bool {
    precondition(old != new, "replaceAllUses: '\(old)' replaced by itself")
    guard canReplaceAllUses(of: old, with: new) else { return false }
    for id in consumers(of: old) {
      setInputs(of: id, to: self[id].inputs.map { $0 == old ? new : $0 })
    }
    guard outputNames.contains(old), let newProducer = producers[new] else { return true }
    if let oldProducer = producers[old] {
      rename(output: old, of: oldProducer, to: valueNames.fresh(old))
    }
    for id in consumers(of: new) {
      setInputs(of: id, to: self[id].inputs.map { $0 == new ? old : $0 })
    }
    rename(output: new, of: newProducer, to: old)
    return true
  }

  /// Whether ``replaceAllUses(of:with:)`` can redirect every reader of `old`: always when `old`
  /// is not a graph output; otherwise only when `new` is a node output that is not itself a graph
  /// output (the output's name moves onto it).
  public func canReplaceAllUses(of old: String, with new: String) -> Bool {
    !outputNames.contains(old) || (producers[new] != nil && !outputNames.contains(new))
  }

  /// Removes node `id` and makes its output a weight holding `data` under the same name, so every
  /// reader (graph outputs included) reads the constant instead.
  public mutating func replaceWithConstant(_ id: NodeID, _ data: TensorData) {
    let output = self[id].outputs[0]
    remove(id)
    weights[output] = data
    types[output] = data.type
  }

  /// Adds a weight (named by ``valueNames``' fresh `base`) and returns its name.
  public mutating func addWeight(_ data: TensorData, named base: String) -> String {
    let name = valueNames.fresh(base)
    weights[name] = data
    types[name] = data.type
    return name
  }

  /// Removes the weight `value` (nothing may still read it).
  public mutating func removeWeight(_ value: String) {
    weights[value] = nil
    types[value] = nil
  }

  /// Replaces the contents of weight `value` with data of the same type.
  public mutating func setWeight(_ value: String, to data: TensorData) {
    precondition(weights[value]?.type == data.type, "setWeight: '\(value)' changes type")
    weights[value] = data
  }

  /// Removes every node whose outputs nothing reads, repeatedly, and returns how many it removed.
  @discardableResult
  public mutating func removeDeadNodes() -> Int {
    var removed = 0
    // Walk backwards once: a node's readers come after it, so a node whose readers were all
    // removed is seen after them.
    var candidates = nodeIDs
    while let id = candidates.popLast() {
      guard contains(id), !self[id].outputs.contains(where: isUsed) else { continue }
      remove(id)
      removed += 1
    }
    return removed
  }

  /// Removes every weight that no node reads and no output returns; returns how many.
  @discardableResult
  public mutating func removeUnusedWeights() -> Int {
    let unused = weights.keys.filter { !isUsed($0) }
    for name in unused { removeWeight(name) }
    return unused.count
  }

  // MARK: Private

  private mutating func inferTypes(of node: Node) throws(GraphError) {
    var inputTypes: [TensorType] = []
    for input in node.inputs {
      guard let type = types[input] else {
        throw GraphError(node: node, "input '\(input)' is not defined")
      }
      inputTypes.append(type)
    }
    for (output, type) in zip(node.outputs, try ShapeInference.outputTypes(of: node, inputTypes: inputTypes))
    {
      types[output] = type
    }
  }

  @discardableResult
  private mutating func link(_ node: Node, after before: Int) -> NodeID {
    let id = NodeID(slot: slots.count)
    slots.append(node)
    let after = before >= 0 ? next[before] : head
    previous.append(before)
    next.append(after)
    if before >= 0 { next[before] = id.slot } else { head = id.slot }
    if after >= 0 { previous[after] = id.slot } else { tail = id.slot }
    nodeCount += 1
    for input in Set(node.inputs) { readers[input, default: []].append(id) }
    for output in node.outputs {
      producers[output] = id
      valueNames.reserve(output)
    }
    nodeNames.reserve(node.name)
    return id
  }

  private mutating func rename(output: String, of id: NodeID, to newName: String) {
    var node = self[id]
    node.outputs = node.outputs.map { $0 == output ? newName : $0 }
    slots[id.slot] = node
    producers[output] = nil
    producers[newName] = id
    types[newName] = types[output]
    valueNames.reserve(newName)
  }
}
