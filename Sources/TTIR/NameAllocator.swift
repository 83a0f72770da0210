/// Hands out unique names: the one allocator for node names, value names and C identifiers.
///
/// ```swift
/// var names = NameAllocator(reserving: ["fc1", "fc1_1"])
/// names.fresh("fc1")   // "fc1_2"
/// names.fresh("relu")  // "relu"
/// names.fresh("relu")  // "relu_1"
/// ```
///
/// A base that is free is returned unchanged; otherwise `_1`, `_2`, … is appended, skipping
/// names already taken. The next suffix to try is remembered per base, so allocating `n` names
/// from one base costs O(n) in total, never O(n²). The tracer, ``GraphBuilder``,
/// ``GraphEditor`` (and through it every pass) and the C emitter all allocate through this type;
/// how a name is *spelled* in C is the emitter's business, which passes the spelled base in.
public struct NameAllocator: Sendable {
  private var taken: Set<String>
  private var nextSuffix: [String: Int] = [:]

  /// An allocator with `names` already taken.
  public init(reserving names: some Sequence<String> = [String]()) {
    taken = Set(names)
  }

  /// Whether `name` is taken.
  public func contains(_ name: String) -> Bool { taken.contains(name) }

  /// Marks `name` as taken; returns `false` if it already was.
  @discardableResult
  public mutating func reserve(_ name: String) -> Bool {
    taken.insert(name).inserted
  }

  /// A name not taken before, `base` itself when it is free, and marks it taken.
  public mutating func fresh(_ base: String) -> String {
    let (name, suffix) = candidate(for: base)
    taken.insert(name)
    if let suffix { nextSuffix[base] = suffix + 1 }
    return name
  }

  /// The name ``fresh(_:)`` would return for `base`, without taking it: for a caller that
  /// may not use the name (reserving it later, or never). Costs what `fresh` costs, never a
  /// copy of the taken names.
  public func peek(_ base: String) -> String { candidate(for: base).name }

  /// The first free name for `base`, and its suffix when it has one.
  private func candidate(for base: String) -> (name: String, suffix: Int?) {
    if !taken.contains(base) { return (base, nil) }
    var suffix = nextSuffix[base, default: 1]
    while taken.contains("\(base)_\(suffix)") { suffix += 1 }
    return ("\(base)_\(suffix)", suffix)
  }
}
