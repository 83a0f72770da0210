extension Graph {
  /// The leading (batch) dimension shared by every graph input, or nil when the inputs disagree
  /// or one of them is a scalar.
  public var batchSize: Int? {
    let leading = Set(inputs.map { $0.type.shape.first })
    guard leading.count == 1, let batch = leading.first ?? nil else { return nil }
    return batch
  }

  /// The same graph with every input's leading dimension set to `batchSize`, and every value
  /// type re-derived by shape inference.
  ///
  /// Works for graphs whose shape attributes do not freeze the batch size: the tracer writes
  /// reshapes that keep the batch axis with `0` ("copy this dimension") and slices over the
  /// whole batch axis with an open end. A graph that does freeze it fails shape inference, and
  /// the error names the first node that cannot take the new batch size.
  public func specialized(batchSize: Int) throws(GraphError) -> Graph {
    guard batchSize > 0 else {
      throw GraphError(graph: name, "batch size must be positive, got \(batchSize)")
    }
    guard let current = self.batchSize else {
      throw GraphError(graph: name, "inputs do not share a leading batch dimension; cannot re-specialize")
    }
    if current == batchSize { return self }
    var graph = self
    graph.inputs = inputs.map { input in
      var shape = input.type.shape
      shape[0] = batchSize
      return ValueInfo(name: input.name, type: TensorType(input.type.dtype, shape))
    }
    let types = try ShapeInference.valueTypes(of: graph)
    graph.outputs = try outputs.map { output throws(GraphError) in
      guard let type = types[output.name] else {
        throw GraphError(graph: name, "output '\(output.name)' is not produced by any node")
      }
      return ValueInfo(name: output.name, type: type)
    }
    try graph.verify()
    return graph
  }
}
