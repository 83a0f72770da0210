/// A JSON document with object keys kept in order, so output is deterministic.
///
/// Numbers keep the distinction the text makes: `2` is ``int(_:)``, `2.0` and `2e0` are
/// ``double(_:)``; doubles print in Swift's shortest round-trip form, so a value written and
/// read back is bit-identical.
enum JSON: Hashable, Sendable {
  case null
  case bool(Bool)
  case int(Int)
  case double(Double)
  case string(String)
  case array([JSON])
  case object([Member])

  /// One key/value pair of an object.
  struct Member: Hashable, Sendable {
    var key: String
    var value: JSON
  }

  /// Builds an object from pairs in the given order.
  static func object(_ pairs: KeyValuePairs<String, JSON>) -> JSON {
    .object(pairs.map { Member(key: $0.key, value: $0.value) })
  }

  /// The value for `key` if this is an object that has it.
  subscript(key: String) -> JSON? {
    guard case .object(let members) = self else { return nil }
    return members.first { $0.key == key }?.value
  }

  /// A short name of the value's JSON type, for error messages.
  var typeName: String {
    switch self {
    case .null: "null"
    case .bool: "a boolean"
    case .int, .double: "a number"
    case .string: "a string"
    case .array: "an array"
    case .object: "an object"
    }
  }
}
