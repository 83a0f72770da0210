import TTIR

/// Sets the leading (batch) dimension of every graph input and re-derives every type.
///
/// Works for graphs whose shape attributes do not freeze the batch size: the tracer writes
/// reshapes that keep the batch axis with `0` ("copy this dimension") and slices over the whole
/// batch axis with an open end. A graph that does freeze it fails shape inference, and the error
/// names the first node that cannot take the new batch size.
public struct SpecializeBatch: Pass {
  public static let name = "specialize-batch"
  public static let purpose = "Sets the leading (batch) dimension of every input and re-derives all types."

  /// The batch size to specialize to (positive).
  public var batchSize: Int

  /// A pass specializing to `batchSize`.
  public init(batchSize: Int) { self.batchSize = batchSize }

  public var options: String { "batch=\(batchSize)" }

  public func run(_ graph: inout Graph, context: inout PassContext) throws -> Bool {
    guard batchSize > 0 else {
      throw GraphError(graph: graph.name, "batch size must be positive, got \(batchSize)")
    }
    guard let current = graph.batchSize else {
      throw GraphError(
        graph: graph.name, "inputs do not share a leading batch dimension; cannot re-specialize")
    }
    if current == batchSize { return false }
    graph.inputs = graph.inputs.map { input in
      var shape = input.type.shape
      shape[0] = batchSize
      return ValueInfo(name: input.name, type: TensorType(input.type.dtype, shape))
    }
    let types = try ShapeInference.valueTypes(of: graph)
    graph.outputs = try graph.outputs.map { output throws(GraphError) in
      guard let type = types[output.name] else {
        throw GraphError(graph: graph.name, "output '\(output.name)' is not produced by any node")
      }
      return ValueInfo(name: output.name, type: type)
    }
    return true
  }
}
