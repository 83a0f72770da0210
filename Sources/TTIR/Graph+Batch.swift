extension Graph {
  /// The leading (batch) dimension shared by every graph input, or nil when the inputs disagree
  /// or one of them is a scalar. The `specialize-batch` pass (TTPasses) changes it.
  public var batchSize: Int? {
    let leading = Set(inputs.map { $0.type.shape.first })
    guard leading.count == 1, let batch = leading.first ?? nil else { return nil }
    return batch
  }
}
