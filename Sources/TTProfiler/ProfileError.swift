/// A profiling run that failed: the engine, and the node (or module) where the model threw.
///
/// One line: `compiled: node 'emb' (gather) failed: …` or
/// `eager: module 'blocks.0.attention' (MultiHeadAttention) threw: …`.
public struct ProfileError: Error, CustomStringConvertible, Sendable {
  /// The engine that ran.
  public var engine: Engine
  /// The node name or module path where the run stopped, when known.
  public var location: String?
  /// Its op or module type.
  public var kind: String?
  /// What went wrong.
  public var message: String

  /// Creates an error.
  public init(engine: Engine, location: String? = nil, kind: String? = nil, _ message: String) {
    self.engine = engine
    self.location = location
    self.kind = kind
    self.message = message
  }

  /// One line naming the engine, the node and the failure.
  public var description: String {
    guard let location else { return "\(engine.rawValue): \(message)" }
    let unit = engine == .eager ? "module" : "node"
    return "\(engine.rawValue): \(unit) '\(location)' (\(kind ?? "?")) threw: \(message)"
  }
}
