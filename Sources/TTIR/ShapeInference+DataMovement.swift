extension Rule {
  /// Reshapes, permutations, concatenation, slicing and gathering keep the dtype (of `data`).
  func inferDataMovement() throws(GraphError) -> TensorType {
    let x = inputs[0]
    switch node.op {
    case .reshape: return TensorType(x.dtype, try reshaped(x))
    case .transpose: return TensorType(x.dtype, try transposed(x))
    case .flatten: return TensorType(x.dtype, try flattened(x))
    case .concat: return TensorType(x.dtype, try concatenated())
    case .slice: return TensorType(x.dtype, try sliced(x))
    default: return TensorType(x.dtype, try gathered())
    }
  }

  /// ONNX-style target shape: one `-1` is inferred, `0` copies the input dimension.
  private func reshaped(_ x: TensorType) throws(GraphError) -> [Int] {
    let target = node.ints("shape") ?? []
    var shape: [Int] = []
    var inferred: Int?
    for (index, dim) in target.enumerated() {
      switch dim {
      case -1:
        guard inferred == nil else { throw error("shape \(target) has more than one -1") }
        inferred = index
        shape.append(1)
      case 0:
        guard index < x.rank else {
          throw error(
            "shape \(target) copies dimension \(index) (0) but the input \(x) has rank \(x.rank)")
        }
        shape.append(x.shape[index])
      case ..<0:
        throw error("shape \(target) has invalid dimension \(dim)")
      default:
        shape.append(dim)
      }
    }
    guard let known = TensorType(x.dtype, shape).checkedElementCount else {
      throw error("shape \(target) is too large")
    }
    if let inferred {
      guard known > 0, x.elementCount % known == 0 else {
        throw error("cannot infer -1 in shape \(target) for \(x.elementCount) elements of \(x)")
      }
      shape[inferred] = x.elementCount / known
    } else if known != x.elementCount {
      throw error(
        "cannot reshape \(x) (\(x.elementCount) elements) to \(shape) (\(known) elements)")
    }
    return shape
  }

  private func transposed(_ x: TensorType) throws(GraphError) -> [Int] {
    let perm = node.ints("perm") ?? []
    guard perm.sorted() == Array(0..<x.rank) else {
      throw error("perm \(perm) is not a permutation of 0..<\(x.rank) for \(x)")
    }
    return perm.map { x.shape[$0] }
  }

  /// Merges `start_dim...end_dim`; a scalar flattens to `[1]`.
  private func flattened(_ x: TensorType) throws(GraphError) -> [Int] {
    if x.rank == 0 { return [1] }
    let start = try axis(node.int("start_dim") ?? 1, rank: x.rank, attribute: "start_dim")
    let end = try axis(node.int("end_dim") ?? -1, rank: x.rank, attribute: "end_dim")
    guard start <= end else { throw error("start_dim \(start) is after end_dim \(end) for \(x)") }
    let merged = x.shape[start...end].reduce(1, *)
    return Array(x.shape[..<start]) + [merged] + Array(x.shape[(end + 1)...])
  }

  private func concatenated() throws(GraphError) -> [Int] {
    try requireSameDType(Array(inputs.indices))
    let first = inputs[0]
    let axis = try axis(node.int("axis") ?? 0, rank: first.rank)
    var shape = first.shape
    for (index, type) in inputs.enumerated().dropFirst() {
      var expected = first.shape
      expected[axis] = type.rank == first.rank ? type.shape[axis] : -1
      guard type.rank == first.rank, type.shape == expected else {
        throw error("input \(index) \(type) does not match input 0 \(first) outside axis \(axis)")
      }
      let (sum, overflow) = shape[axis].addingReportingOverflow(type.shape[axis])
      guard !overflow else { throw error("axis \(axis) of the result overflows") }
      shape[axis] = sum
    }
    return shape
  }

  /// Python slicing per axis; see ``ShapeInference/sliceRange(start:end:step:length:)``.
  private func sliced(_ x: TensorType) throws(GraphError) -> [Int] {
    let starts = node.ints("starts") ?? []
    let ends = node.ints("ends") ?? []
    let steps = node.ints("steps") ?? Array(repeating: 1, count: x.rank)
    for (name, list) in [("starts", starts), ("ends", ends), ("steps", steps)]
    where list.count != x.rank {
      throw error("attribute '\(name)' must have one entry per axis (\(x.rank)), got \(list)")
    }
    guard !steps.contains(0) else { throw error("steps \(steps) must not contain 0") }
    return x.shape.indices.map { axis in
      ShapeInference.sliceRange(
        start: starts[axis], end: ends[axis], step: steps[axis], length: x.shape[axis]
      )
      .count
    }
  }

  /// `data.shape[..<axis] + indices.shape + data.shape[(axis + 1)...]`.
  private func gathered() throws(GraphError) -> [Int] {
    let data = inputs[0]
    let indices = inputs[1]
    try requireRank(0, atLeast: 1)
    guard indices.dtype != .f16, indices.dtype != .i8 else {
      throw error("indices must be i32, i64 or f32 holding integers, got \(indices.dtype)")
    }
    let axis = try axis(node.int("axis") ?? 0, rank: data.rank)
    return Array(data.shape[..<axis]) + indices.shape + Array(data.shape[(axis + 1)...])
  }
}
