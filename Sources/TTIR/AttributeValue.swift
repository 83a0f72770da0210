/// The value of a node attribute (`axis`, `stride`, `eps`, ...).
///
/// Floats are stored as `Double` so that a value written to JSON reads back bit for bit.
/// Literals work directly: `["axis": -1, "eps": 1e-5, "stride": [2, 2], "causal": true]`.
public enum AttributeValue: Hashable, Sendable, CustomStringConvertible {
  /// A single integer.
  case int(Int)
  /// A single float.
  case float(Double)
  /// A string, e.g. gelu's `approximate` or cast's `to`.
  case string(String)
  /// A boolean flag.
  case bool(Bool)
  /// A list of integers, e.g. `stride`, `perm`, `shape`.
  case ints([Int])
  /// A list of floats.
  case floats([Double])

  /// The kind of this value.
  public var kind: AttributeKind {
    switch self {
    case .int: .int
    case .float: .float
    case .string: .string
    case .bool: .bool
    case .ints: .ints
    case .floats: .floats
    }
  }

  /// The integer, if this is `.int`.
  public var intValue: Int? {
    if case .int(let value) = self { value } else { nil }
  }

  /// The number, if this is `.float` or `.int` (integers widen to floats).
  public var floatValue: Double? {
    switch self {
    case .float(let value): value
    case .int(let value): Double(value)
    default: nil
    }
  }

  /// The string, if this is `.string`.
  public var stringValue: String? {
    if case .string(let value) = self { value } else { nil }
  }

  /// The flag, if this is `.bool`.
  public var boolValue: Bool? {
    if case .bool(let value) = self { value } else { nil }
  }

  /// The integers, if this is `.ints`.
  public var intsValue: [Int]? {
    if case .ints(let value) = self { value } else { nil }
  }

  /// The numbers, if this is `.floats` or `.ints` (integers widen to floats).
  public var floatsValue: [Double]? {
    switch self {
    case .floats(let value): value
    case .ints(let value): value.map(Double.init)
    default: nil
    }
  }

  /// The value converted to `kind` where that is lossless (`int` → `float`, `ints` → `floats`),
  /// or `nil` when the kinds are incompatible.
  public func converted(to kind: AttributeKind) -> AttributeValue? {
    switch (self, kind) {
    case _ where self.kind == kind: self
    case (.int(let value), .float): .float(Double(value))
    case (.ints(let values), .floats): .floats(values.map(Double.init))
    default: nil
    }
  }

  /// The value as written in `model.json`, e.g. `[2, 2]` or `"tanh"`.
  public var description: String {
    switch self {
    case .int(let value): String(value)
    case .float(let value): String(value)
    case .string(let value): "\"\(value)\""
    case .bool(let value): String(value)
    case .ints(let values): "[\(values.map(String.init).joined(separator: ", "))]"
    case .floats(let values): "[\(values.map { String($0) }.joined(separator: ", "))]"
    }
  }
}

/// The kind of an ``AttributeValue``, used by op schemas to declare attributes.
public enum AttributeKind: String, Sendable, CaseIterable {
  /// A single integer.
  case int
  /// A single float.
  case float
  /// A string.
  case string
  /// A boolean.
  case bool
  /// A list of integers.
  case ints
  /// A list of floats.
  case floats
}

extension AttributeValue: ExpressibleByIntegerLiteral {
  /// Creates an `.int` attribute from an integer literal.
  public init(integerLiteral value: Int) { self = .int(value) }
}

extension AttributeValue: ExpressibleByFloatLiteral {
  /// Creates a `.float` attribute from a float literal.
  public init(floatLiteral value: Double) { self = .float(value) }
}

extension AttributeValue: ExpressibleByStringLiteral {
  /// Creates a `.string` attribute from a string literal.
  public init(stringLiteral value: String) { self = .string(value) }
}

extension AttributeValue: ExpressibleByBooleanLiteral {
  /// Creates a `.bool` attribute from a boolean literal.
  public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension AttributeValue: ExpressibleByArrayLiteral {
  /// Creates an `.ints` attribute from an array literal of integers.
  public init(arrayLiteral elements: Int...) { self = .ints(elements) }
}
