/// A straight-line program of elementwise ops: the `program` of a `fused_elementwise` node and
/// the `epilogue` of a `matmul`, `linear` or `conv2d`.
///
/// Written as text, one instruction per `;`: an elementwise op name (as in `model.json`), its
/// operands, then its attributes as `name=value`:
///
/// ```text
/// mul x0 0.5; add t0 x1; gelu t1 approximate=tanh
/// ```
///
/// Operands are `xN` (input `N`), `tN` (the result of instruction `N`, which must come earlier)
/// or a number (a scalar constant; `inf` and `-inf` are allowed, NaN is not). The program's
/// result is its last instruction. Every instruction means exactly what the op means as a node
/// (docs/IR.md), with inputs broadcast NumPy-style to the output shape. Parsing validates
/// everything (op names, operand counts and references, attributes against the op's schema),
/// because programs arrive in untrusted model files.
public struct ElementwiseProgram: Hashable, Sendable, CustomStringConvertible {
  /// One operand of an instruction.
  public enum Operand: Hashable, Sendable, CustomStringConvertible {
    /// Program input `N` (for a node, its input `N`; for an epilogue, `x0` is the product).
    case input(Int)
    /// The result of an earlier instruction.
    case result(Int)
    /// A scalar constant, stored as the `f32` it becomes.
    case constant(Float)

    /// `x0`, `t1` or a number in shortest round-trip form (`0.5`, `-inf`).
    public var description: String {
      switch self {
      case .input(let index): "x\(index)"
      case .result(let index): "t\(index)"
      case .constant(let value): value.isInfinite ? (value < 0 ? "-inf" : "inf") : "\(value)"
      }
    }
  }

  /// One elementwise op applied to its operands.
  public struct Instruction: Hashable, Sendable, CustomStringConvertible {
    /// A unary or binary elementwise op.
    public var op: Op
    /// One operand per op input.
    public var operands: [Operand]
    /// The op's attributes, as on a node.
    public var attributes: [String: AttributeValue]

    /// An instruction; checked when its program is (``ElementwiseProgram/init(_:inputCount:)``).
    public init(_ op: Op, _ operands: [Operand], attributes: [String: AttributeValue] = [:]) {
      self.op = op
      self.operands = operands
      self.attributes = attributes
    }

    /// A node with this op and attributes (inputs unnamed), for code that evaluates nodes.
    public var node: Node {
      Node(
        name: op.rawValue, op: op, inputs: operands.map(\.description), outputs: ["result"],
        attributes: attributes)
    }

    /// `add x0 t1` with attributes sorted by name.
    public var description: String {
      let words =
        [op.rawValue] + operands.map(\.description)
        + attributes.keys.sorted().map { "\($0)=\(Self.spell(attributes[$0]!))" }
      return words.joined(separator: " ")
    }

    private static func spell(_ value: AttributeValue) -> String {
      switch value {
      case .string(let text): text
      default: value.description
      }
    }
  }

  /// The instructions, in evaluation order; the last one is the result.
  public var instructions: [Instruction]

  /// The most instructions a program may have.
  public static let maxInstructions = 256

  /// A program from instructions, checked as if parsed.
  ///
  /// - Parameter inputCount: how many inputs (`x0`…) the program may read.
  /// - Throws: a message saying what is wrong with which instruction.
  public init(_ instructions: [Instruction], inputCount: Int) throws(ProgramError) {
    self.instructions = instructions
    try validate(inputCount: inputCount)
  }

  /// Parses and checks `text` (see the type's documentation for the syntax).
  public init(parsing text: String, inputCount: Int) throws(ProgramError) {
    var instructions: [Instruction] = []
    for (index, part) in text.split(separator: ";", omittingEmptySubsequences: false).enumerated() {
      let words = part.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
      guard let name = words.first else {
        throw ProgramError("instruction \(index) is empty")
      }
      guard let op = Op(rawValue: String(name)), op.isElementwise else {
        throw ProgramError("instruction \(index): '\(name)' is not an elementwise op")
      }
      var operands: [Operand] = []
      var attributes: [String: AttributeValue] = [:]
      for word in words.dropFirst() {
        if let equals = word.firstIndex(of: "=") {
          let key = String(word[..<equals])
          let value = String(word[word.index(after: equals)...])
          guard let spec = op.schema.attribute(named: key) else {
            throw ProgramError("instruction \(index) (\(op)): unknown attribute '\(key)'")
          }
          guard let parsed = Self.attribute(value, kind: spec.kind) else {
            throw ProgramError(
              "instruction \(index) (\(op)): attribute '\(key)' must be \(spec.kind), got '\(value)'")
          }
          attributes[key] = parsed
        } else {
          guard let operand = Self.operand(word) else {
            throw ProgramError(
              "instruction \(index) (\(op)): '\(word)' is not an operand (xN, tN or a number)")
          }
          operands.append(operand)
        }
      }
      instructions.append(Instruction(op, operands, attributes: attributes))
    }
    try self.init(instructions, inputCount: inputCount)
  }

  /// The program as text, e.g. `mul x0 0.5; relu t0`; parsing it gives this program back.
  public var description: String { instructions.map(\.description).joined(separator: "; ") }

  /// The number of inputs the program reads (one more than the largest `xN`).
  public var inputCount: Int {
    var count = 0
    for instruction in instructions {
      for case .input(let index) in instruction.operands { count = max(count, index + 1) }
    }
    return count
  }

  private func validate(inputCount: Int) throws(ProgramError) {
    guard !instructions.isEmpty else { throw ProgramError("the program has no instruction") }
    guard instructions.count <= Self.maxInstructions else {
      throw ProgramError(
        "the program has \(instructions.count) instructions, more than \(Self.maxInstructions)")
    }
    for (index, instruction) in instructions.enumerated() {
      let where_ = "instruction \(index) (\(instruction.op))"
      guard instruction.op.isElementwise else {
        throw ProgramError("\(where_): not an elementwise op")
      }
      let arity = instruction.op.schema.minInputs
      guard instruction.operands.count == arity else {
        throw ProgramError("\(where_): expects \(arity) operands, got \(instruction.operands.count)")
      }
      for operand in instruction.operands {
        switch operand {
        case .input(let input) where input < 0 || input >= inputCount:
          throw ProgramError("\(where_): x\(input) is not one of the \(inputCount) inputs")
        case .result(let result) where result < 0 || result >= index:
          throw ProgramError("\(where_): t\(result) is not an earlier instruction")
        case .constant(let value) where value.isNaN:
          throw ProgramError("\(where_): a constant is NaN")
        default: break
        }
      }
      do {
        // The op's own checks (attributes, clamp bounds) on scalar f32 operands.
        let scalar = TensorType(.f32, [])
        _ = try ShapeInference.outputTypes(
          of: instruction.node, inputTypes: Array(repeating: scalar, count: arity))
      } catch {
        throw ProgramError("\(where_): \(error.message)")
      }
    }
  }

  private static func operand(_ word: Substring) -> Operand? {
    if let first = word.first, first == "x" || first == "t", let index = Int(word.dropFirst()),
      index >= 0
    {
      return first == "x" ? .input(index) : .result(index)
    }
    guard let value = Double(word) else { return nil }
    return .constant(Float(value))
  }

  private static func attribute(_ text: String, kind: AttributeKind) -> AttributeValue? {
    switch kind {
    case .float: Double(text).map(AttributeValue.float)
    case .int: Int(text).map(AttributeValue.int)
    case .string: .string(text)
    case .bool: Bool(text).map(AttributeValue.bool)
    case .ints, .floats: nil
    }
  }
}

/// Why an ``ElementwiseProgram`` is invalid.
public struct ProgramError: Error, Hashable, Sendable, CustomStringConvertible {
  /// What is wrong, naming the instruction.
  public var description: String

  /// An error with `description`.
  public init(_ description: String) { self.description = description }
}
