/// A problem reading, importing or exporting an ONNX model.
///
/// The description is one line naming what and where, e.g.
/// `model.onnx: node 'conv1' (Conv, opset 13): attribute 'auto_pad' = "FOO" is not supported`.
public struct ONNXError: Error, Hashable, Sendable, CustomStringConvertible {
  /// One line naming the file, node or value at fault and the reason.
  public let description: String

  /// The graph input that would have to be a constant for the import to succeed (a shape or
  /// axes tensor fed as an input), if that is what failed; see
  /// ``ONNXImporter/Options/constantInputs``.
  public let inputNeedingConstant: String?

  /// Creates an error with a one-line description.
  public init(_ description: String, inputNeedingConstant: String? = nil) {
    self.description = description
    self.inputNeedingConstant = inputNeedingConstant
  }

  /// The same error with `prefix: ` in front (the file name, usually).
  func located(_ prefix: String) -> ONNXError {
    ONNXError("\(prefix): \(description)", inputNeedingConstant: inputNeedingConstant)
  }
}
