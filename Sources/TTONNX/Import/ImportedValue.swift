import TTIR

/// An ONNX value during import: a tensor computed by the graph, or a constant known at import
/// time (an initializer, a `Constant`, or the result of folding shape arithmetic).
enum ImportedValue {
  /// A graph value (input or node output) by its IR name.
  case tensor(String)
  /// A constant; it becomes a weight only when a graph node reads it.
  case constant(TensorData)

  /// The constant, if this is one.
  var constant: TensorData? {
    if case .constant(let data) = self { data } else { nil }
  }
}
