/// The inputs that determine a compiled library, hashed into its cache key.
///
/// ``explanation`` lists each component (with long values summarized by their own hash), which is
/// what `ttc compile --explain-key` prints.
public struct CacheKey: Sendable, Hashable {
  /// Named components in a fixed order, e.g. `("compiler", "clang version 21…")`.
  public private(set) var components: [(name: String, value: String)] = []

  /// An empty key.
  public init() {}

  /// Adds a component.
  public mutating func add(_ name: String, _ value: String) { components.append((name, value)) }

  /// The SHA-256 of all components, as hex.
  public var digest: String {
    var hasher = SHA256()
    for (name, value) in components {
      hasher.update("\(name.utf8.count):\(name)\(value.utf8.count):")
      hasher.update(value)
    }
    return hasher.finalize()
  }

  /// One line per component (values over 80 characters are given as their SHA-256), then the key.
  public var explanation: [String] {
    components.map { name, value in
      let shown = value.count > 80 ? "sha256:\(SHA256.hex(Array(value.utf8)))" : value
      return "\(name): \(shown)"
    } + ["key: \(digest)"]
  }

  public static func == (lhs: CacheKey, rhs: CacheKey) -> Bool { lhs.digest == rhs.digest }
  public func hash(into hasher: inout Hasher) { hasher.combine(digest) }
}
