/// How one ONNX op type becomes IR: the attributes it understands and the conversion.
///
/// An attribute outside `attributes` is refused before conversion, so a node is never
/// imported with a setting silently ignored.
struct Converter: Sendable {
  /// The attributes this converter reads.
  let attributes: Set<String>
  /// Returns the node's outputs, in order (possibly fewer than the node declares: any output
  /// beyond them that the graph uses is an error).
  let convert: @Sendable (NodeContext) throws(ONNXError) -> [ImportedValue]

  init(
    _ attributes: Set<String> = [],
    _ convert: @escaping @Sendable (NodeContext) throws(ONNXError) -> [ImportedValue]
  ) {
    self.attributes = attributes
    self.convert = convert
  }

  /// A converter with one output.
  static func single(
    _ attributes: Set<String> = [],
    _ convert: @escaping @Sendable (NodeContext) throws(ONNXError) -> ImportedValue
  ) -> Converter {
    Converter(attributes) { (context) throws(ONNXError) in [try convert(context)] }
  }
}

/// Every ONNX op (default domain) the importer converts, by op type.
enum Converters {
  static let all: [String: Converter] =
    elementwise
    .merging(matrix) { $1 }
    .merging(spatial) { $1 }
    .merging(normalization) { $1 }
    .merging(shape) { $1 }
    .merging(reduction) { $1 }
    .merging(conversion) { $1 }
    .merging(resize) { $1 }
    .merging(gatherND) { $1 }
}
