import TTKernels

extension Tensor {
  /// Sum over `axes` (all axes when `nil`).
  public func sum(axes: [Int]? = nil, keepDims: Bool = false) throws -> Tensor {
    try reduce(.sum, axes: axes, keepDims: keepDims)
  }
  /// Sum over one axis.
  public func sum(axis: Int, keepDims: Bool = false) throws -> Tensor {
    try reduce(.sum, axes: [axis], keepDims: keepDims)
  }
  /// Sum of all elements, as a scalar tensor.
  public func sum() -> Tensor { try! reduce(.sum, axes: nil, keepDims: false) }

  /// Mean over `axes` (all axes when `nil`).
  public func mean(axes: [Int]? = nil, keepDims: Bool = false) throws -> Tensor {
    try reduce(.mean, axes: axes, keepDims: keepDims)
  }
  /// Mean over one axis.
  public func mean(axis: Int, keepDims: Bool = false) throws -> Tensor {
    try reduce(.mean, axes: [axis], keepDims: keepDims)
  }
  /// Mean of all elements, as a scalar tensor.
  public func mean() -> Tensor { try! reduce(.mean, axes: nil, keepDims: false) }

  /// Maximum over `axes` (all axes when `nil`). The gradient is shared among tied maxima.
  public func max(axes: [Int]? = nil, keepDims: Bool = false) throws -> Tensor {
    try reduce(.max, axes: axes, keepDims: keepDims)
  }
  /// Maximum over one axis.
  public func max(axis: Int, keepDims: Bool = false) throws -> Tensor {
    try reduce(.max, axes: [axis], keepDims: keepDims)
  }
  /// Minimum over `axes` (all axes when `nil`). The gradient is shared among tied minima.
  public func min(axes: [Int]? = nil, keepDims: Bool = false) throws -> Tensor {
    try reduce(.min, axes: axes, keepDims: keepDims)
  }
  /// Minimum over one axis.
  public func min(axis: Int, keepDims: Bool = false) throws -> Tensor {
    try reduce(.min, axes: [axis], keepDims: keepDims)
  }

  /// Indices of the maxima along `axis` (first on ties), as float values. Not differentiable.
  public func argmax(axis: Int = -1, keepDims: Bool = false) throws -> Tensor {
    let ax = try validatedAxis(axis, op: "argmax axis")
    guard shape[ax] > 0 else {
      throw TensorError.invalidArgument("argmax: axis \(axis) of shape \(shape) is empty")
    }
    var keepShape = shape
    keepShape[ax] = 1
    var indices = [Int](repeating: 0, count: count / shape[ax])
    scalars.withUnsafeBufferPointer { x in
      indices.withUnsafeMutableBufferPointer { o in
        Reduce.argmax(x.baseAddress!, shape: shape, axis: ax, o.baseAddress!)
      }
    }
    var outShape = keepShape
    if !keepDims { outShape.remove(at: ax) }
    return Tensor.result(
      indices.map(Float.init), shape: outShape,
      op: TracedOp("argmax", ["axis": .int(ax), "keepdims": .bool(keepDims)]), inputs: [self],
      backward: nil)
  }

  /// Shared implementation of the reductions.
  func reduce(_ op: ReduceOp, axes: [Int]?, keepDims: Bool) throws -> Tensor {
    var normalized: [Int] = []
    for axis in axes ?? Array(0..<rank) {
      let a = try validatedAxis(axis, op: "\(op.rawValue) axis")
      guard !normalized.contains(a) else {
        throw TensorError.invalidArgument("\(op.rawValue): axis \(axis) is repeated")
      }
      normalized.append(a)
    }
    normalized.sort()
    if (op == .max || op == .min), normalized.contains(where: { shape[$0] == 0 }) {
      throw TensorError.invalidArgument("\(op.rawValue): cannot reduce an empty axis of shape \(shape)")
    }
    var keepShape = shape
    for axis in normalized { keepShape[axis] = 1 }
    var values = [Float](repeating: 0, count: ShapeMath.count(keepShape))
    if !values.isEmpty {
      scalars.withUnsafeBufferPointer { x in
        values.withUnsafeMutableBufferPointer { o in
          Reduce.reduce(op, x.baseAddress!, shape: shape, axes: normalized, o.baseAddress!)
        }
      }
    }
    let outShape = keepDims ? keepShape : shape.indices.filter { !normalized.contains($0) }.map { shape[$0] }
    let input = self
    let reducedCount = normalized.reduce(1) { $0 * shape[$1] }
    let reduced = values
    let traced = TracedOp(
      "reduce_\(op.rawValue)", ["axes": .ints(normalized), "keepdims": .bool(keepDims)])
    return Tensor.result(values, shape: outShape, op: traced, inputs: [input]) { g in
      let gKeep = try g.reshaped(keepShape).expanded(to: input.shape)
      switch op {
      case .sum: return [gKeep]
      case .mean: return [gKeep * (1 / Float(Swift.max(reducedCount, 1)))]
      case .max, .min:
        let selected = try input.eq(Tensor(uncheckedShape: keepShape, scalars: reduced))
        let ties = try selected.sum(axes: normalized, keepDims: true)
        return [try gKeep * selected / ties]
      }
    }
  }

  /// Copies this tensor broadcast to `target` (no autograd; used by backward rules).
  func expanded(to target: [Int]) throws -> Tensor {
    if target == shape { return self }
    guard ShapeMath.broadcast(shape, target) == target else {
      throw TensorError.shapeMismatch(op: "expand", shape, target)
    }
    var out = [Float](repeating: 0, count: ShapeMath.count(target))
    let zero: [Float] = [0]
    scalars.withUnsafeBufferPointer { x in
      zero.withUnsafeBufferPointer { z in
        out.withUnsafeMutableBufferPointer { o in
          Elementwise.binary(.add, x.baseAddress!, shape, z.baseAddress!, [], o.baseAddress!, target)
        }
      }
    }
    return Tensor(uncheckedShape: target, scalars: out)
  }
}
