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
  /// What ``location`` names.
  public var unit: Unit

  /// What a location names.
  public enum Unit: String, Sendable {
    /// A graph node.
    case node
    /// An eager module call.
    case module
  }
  /// What went wrong.
  public var message: String

  /// Creates an error.
  public init(
    engine: Engine, location: String? = nil, kind: String? = nil, unit: Unit = .node, _ message: String
  ) {
    self.engine = engine
    self.location = location
    self.kind = kind
    self.unit = unit
    self.message = message
  }

  /// One line naming the engine, the node and the failure.
  public var description: String {
    guard let location else { return "\(engine.rawValue): \(message)" }
    return "\(engine.rawValue): \(unit.rawValue) '\(location)' (\(kind ?? "?")) threw: \(message)"
  }
}
