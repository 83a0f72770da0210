/// A safetensors file that cannot be read or written.
///
/// The description is one line naming the file when known, e.g.
/// `safetensors 'w.safetensors': header length 4096 exceeds the 120 bytes after it`.
public struct SafeTensorsError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The file's path, when the bytes came from (or go to) a file.
  public var path: String?
  /// What is wrong.
  public var message: String

  /// Creates an error.
  public init(path: String? = nil, _ message: String) {
    self.path = path
    self.message = message
  }

  /// `safetensors '<path>': <message>`.
  public var description: String {
    path.map { "safetensors '\($0)': \(message)" } ?? "safetensors: \(message)"
  }
}
