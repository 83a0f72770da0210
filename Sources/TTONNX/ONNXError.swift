/// A problem reading, importing or exporting an ONNX model.
///
/// The description is one line naming what and where, e.g.
/// `model.onnx: node 'conv1' (Conv, opset 13): attribute 'auto_pad' = "FOO" is not supported`.
public struct ONNXError: Error, Hashable, Sendable, CustomStringConvertible {
  /// One line naming the file, node or value at fault and the reason.
  public let description: String

  /// Creates an error with a one-line description.
  public init(_ description: String) { self.description = description }

  /// The same error with `prefix: ` in front (the file name, usually).
  func located(_ prefix: String) -> ONNXError { ONNXError("\(prefix): \(description)") }
}
