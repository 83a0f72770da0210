import TTIR

/// An ONNX value during import: a tensor computed by the graph, or a constant known at import
/// time (an initializer, a `Constant`, or the result of folding shape arithmetic).
enum ImportedValue {
  /// A graph value (input or node output) by its IR name.
  case tensor(String)
  /// A constant, with the ONNX name it was defined under (if any); it becomes a weight, once
  /// per name, only when a graph node reads it.
  case constant(TensorData, name: String?)

  /// An unnamed constant (folded or made by a converter).
  static func constant(_ data: TensorData) -> ImportedValue { .constant(data, name: nil) }

  /// The constant, if this is one.
  var constant: TensorData? {
    if case .constant(let data, _) = self { data } else { nil }
  }

  /// This value, as defined under the ONNX name `name` (constants keep their first name).
  func named(_ name: String) -> ImportedValue {
    if case .constant(let data, nil) = self { return .constant(data, name: name) }
    return self
  }
}
