/// A model or calibration data that quantization cannot use; the message names what and where.
public struct QuantizationError: Error, Hashable, Sendable, CustomStringConvertible {
  /// One line, e.g. `no calibration range for value 'h1' (input of node 'fc2')`.
  public let description: String

  /// Creates an error with a one-line message.
  public init(_ description: String) { self.description = description }
}
