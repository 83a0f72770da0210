import TTKernels

extension Tensor {
  /// The same values with a new shape. One dimension may be `-1` and is then inferred.
  public func reshaped(_ newShape: [Int]) throws -> Tensor {
    let inferred = newShape.filter { $0 == -1 }.count
    guard inferred <= 1, newShape.allSatisfy({ $0 >= -1 }) else {
      throw TensorError.invalidArgument("reshape: invalid target shape \(newShape) for input \(shape)")
    }
    var target = newShape
    if let i = newShape.firstIndex(of: -1) {
      let known = newShape.filter { $0 != -1 }.reduce(1, *)
      guard known > 0, count % known == 0 else {
        throw TensorError.shapeMismatch(op: "reshape", shape, newShape)
      }
      target[i] = count / known
    }
    guard ShapeMath.count(target) == count else {
      throw TensorError.shapeMismatch(op: "reshape", shape, newShape)
    }
    let input = self
    return Tensor.result(
      scalars, shape: target, op: TracedOp("reshape", ["shape": .ints(target)]), inputs: [input]
    ) {
      g in [try g.reshaped(input.shape)]
    }
  }

  /// Reorders the axes: axis `i` of the result is axis `permutation[i]` of this tensor.
  public func permuted(_ permutation: [Int]) throws -> Tensor {
    let perm = permutation.map { $0 < 0 ? $0 + rank : $0 }
    guard perm.count == rank, Set(perm) == Set(0..<rank) else {
      throw TensorError.invalidArgument(
        "permute: \(permutation) is not a permutation of the \(rank) axes of \(shape)")
    }
    let outShape = perm.map { shape[$0] }
    var out = [Float](repeating: 0, count: count)
    scalars.withUnsafeBufferPointer { x in
      out.withUnsafeMutableBufferPointer { o in
        Layout.permute(x.baseAddress!, shape: shape, permutation: perm, o.baseAddress!)
      }
    }
    var inverse = [Int](repeating: 0, count: rank)
    for (i, p) in perm.enumerated() { inverse[p] = i }
    return Tensor.result(
      out, shape: outShape, op: TracedOp("transpose", ["perm": .ints(perm)]), inputs: [self]
    ) {
      g in [try g.permuted(inverse)]
    }
  }

  /// Swaps two axes (by default the last two).
  public func transposed(_ axis0: Int = -2, _ axis1: Int = -1) throws -> Tensor {
    guard let a = ShapeMath.normalizeAxis(axis0, rank: rank),
      let b = ShapeMath.normalizeAxis(axis1, rank: rank),
      rank >= 2 || a == b
    else {
      throw TensorError.invalidArgument("transpose: axes \(axis0), \(axis1) are invalid for shape \(shape)")
    }
    var perm = Array(0..<rank)
    perm.swapAt(a, b)
    return try permuted(perm)
  }

  /// Inserts an axis of length 1 at `axis` (which may be `rank`, or negative).
  public func unsqueezed(axis: Int) throws -> Tensor {
    let a = try validatedInsertionAxis(axis, op: "unsqueeze")
    var s = shape
    s.insert(1, at: a)
    return try reshaped(s)
  }

  /// Removes the length-1 axis `axis`, or every length-1 axis when `axis` is nil.
  public func squeezed(axis: Int? = nil) throws -> Tensor {
    guard let axis else { return try reshaped(shape.filter { $0 != 1 }) }
    let a = try validatedAxis(axis, op: "squeeze")
    guard shape[a] == 1 else {
      throw TensorError.invalidArgument(
        "squeeze: axis \(axis) of shape \(shape) has length \(shape[a]), not 1")
    }
    var s = shape
    s.remove(at: a)
    return try reshaped(s)
  }

  /// Merges the axes from `startAxis` on into one (e.g. `[N, C, H, W]` → `[N, C·H·W]`).
  public func flattened(startAxis: Int = 1) throws -> Tensor {
    guard let a = ShapeMath.normalizeAxis(startAxis, rank: rank) else {
      throw TensorError.indexOutOfRange(op: "flatten", index: startAxis, bound: rank)
    }
    return try reshaped(Array(shape[..<a]) + [shape[a...].reduce(1, *)])
  }

  /// Joins tensors along `axis`; all other dimensions must agree.
  public static func concat(_ tensors: [Tensor], axis: Int = 0) throws -> Tensor {
    guard let first = tensors.first else { throw TensorError.invalidArgument("concat: no tensors given") }
    let ax = try first.validatedAxis(axis, op: "concat axis")
    for t in tensors.dropFirst() {
      var a = t.shape
      var b = first.shape
      guard a.count == b.count else { throw TensorError.shapeMismatch(op: "concat", first.shape, t.shape) }
      a[ax] = 0
      b[ax] = 0
      guard a == b else { throw TensorError.shapeMismatch(op: "concat", first.shape, t.shape) }
    }
    var outShape = first.shape
    outShape[ax] = tensors.reduce(0) { $0 + $1.shape[ax] }
    var out = [Float](repeating: 0, count: ShapeMath.count(outShape))
    let parts = tensors.map { ($0.scalars, $0.shape) }
    out.withUnsafeMutableBufferPointer { o in
      // Keep every part's storage alive and pinned while the kernel reads it.
      func go(_ i: Int, _ pointers: [(UnsafePointer<Float>, [Int])]) {
        if i == parts.count {
          Layout.concat(pointers, axis: ax, o.baseAddress!)
          return
        }
        parts[i].0.withUnsafeBufferPointer { go(i + 1, pointers + [($0.baseAddress!, parts[i].1)]) }
      }
      go(0, [])
    }
    let sizes = tensors.map { $0.shape[ax] }
    return Tensor.result(out, shape: outShape, op: TracedOp("concat", ["axis": .int(ax)]), inputs: tensors) {
      g in
      var start = 0
      return try sizes.map { size in
        defer { start += size }
        return try g.slice(axis: ax, start: start, end: start + size)
      }
    }
  }

  /// Stacks equally shaped tensors along a new axis.
  public static func stack(_ tensors: [Tensor], axis: Int = 0) throws -> Tensor {
    guard let first = tensors.first else { throw TensorError.invalidArgument("stack: no tensors given") }
    for t in tensors.dropFirst() where t.shape != first.shape {
      throw TensorError.shapeMismatch(op: "stack", first.shape, t.shape)
    }
    let ax = try first.validatedInsertionAxis(axis, op: "stack axis")
    return try concat(tensors.map { try $0.unsqueezed(axis: ax) }, axis: ax)
  }

  /// Elements `start, start+step, …` (below `end`) along one axis. Negative `start`/`end` count
  /// from the end, and bounds are clamped as in Python slicing.
  public func slice(axis: Int, start: Int = 0, end: Int? = nil, step: Int = 1) throws -> Tensor {
    let ax = try validatedAxis(axis, op: "slice axis")
    var starts = [Int](repeating: 0, count: rank)
    var ends = shape
    var steps = [Int](repeating: 1, count: rank)
    starts[ax] = start
    ends[ax] = end ?? shape[ax]
    steps[ax] = step
    return try slice(starts: starts, ends: ends, steps: steps)
  }

  /// A strided window over every axis (Python slicing rules per axis; positive steps).
  public func slice(starts: [Int], ends: [Int], steps: [Int]) throws -> Tensor {
    guard starts.count == rank, ends.count == rank, steps.count == rank else {
      throw TensorError.invalidArgument("slice: starts/ends/steps need \(rank) entries for shape \(shape)")
    }
    guard steps.allSatisfy({ $0 > 0 }) else {
      throw TensorError.invalidArgument("slice: steps must be positive, got \(steps)")
    }
    var lo = [Int](repeating: 0, count: rank)
    var outShape = [Int](repeating: 0, count: rank)
    for i in 0..<rank {
      let n = shape[i]
      let s = Swift.min(Swift.max(starts[i] < 0 ? starts[i] + n : starts[i], 0), n)
      let e = Swift.min(Swift.max(ends[i] < 0 ? ends[i] + n : ends[i], 0), n)
      lo[i] = s
      outShape[i] = e > s ? (e - s + steps[i] - 1) / steps[i] : 0
    }
    var out = [Float](repeating: 0, count: ShapeMath.count(outShape))
    scalars.withUnsafeBufferPointer { x in
      out.withUnsafeMutableBufferPointer { o in
        Layout.slice(x.baseAddress!, shape: shape, start: lo, step: steps, outShape: outShape, o.baseAddress!)
      }
    }
    let inputShape = shape
    let ends = zip(lo, zip(outShape, steps)).map { $0 + $1.0 * $1.1 }
    let traced = TracedOp("slice", ["starts": .ints(lo), "ends": .ints(ends), "steps": .ints(steps)])
    return Tensor.result(out, shape: outShape, op: traced, inputs: [self]) { g in
      var dx = [Float](repeating: 0, count: ShapeMath.count(inputShape))
      g.scalars.withUnsafeBufferPointer { pg in
        dx.withUnsafeMutableBufferPointer { o in
          Layout.sliceBackward(
            pg.baseAddress!, shape: inputShape, start: lo, step: steps, outShape: outShape, o.baseAddress!)
        }
      }
      return [Tensor(uncheckedShape: inputShape, scalars: dx)]
    }
  }

  /// Selects slices along `axis` by integer indices (given as a tensor of whole numbers):
  /// the result has shape `shape[..<axis] + indices.shape + shape[(axis+1)...]`.
  /// Used for embedding lookups; the gradient scatter-adds into the selected rows.
  public func gather(axis: Int = 0, indices: Tensor) throws -> Tensor {
    let ax = try validatedAxis(axis, op: "gather axis")
    var ids = [Int](repeating: 0, count: indices.count)
    for (i, v) in indices.scalars.enumerated() {
      guard v == v.rounded(), v >= 0, Int(v) < shape[ax] else {
        throw TensorError.invalidArgument(
          "gather: index \(v) is out of range for axis \(ax) of size \(shape[ax])")
      }
      ids[i] = Int(v)
    }
    let outShape = Array(shape[..<ax]) + indices.shape + Array(shape[(ax + 1)...])
    var out = [Float](repeating: 0, count: ShapeMath.count(outShape))
    scalars.withUnsafeBufferPointer { x in
      out.withUnsafeMutableBufferPointer { o in
        Layout.gather(x.baseAddress!, shape: shape, axis: ax, indices: ids, o.baseAddress!)
      }
    }
    let inputShape = shape
    return Tensor.result(
      out, shape: outShape, op: TracedOp("gather", ["axis": .int(ax)]), inputs: [self, indices]
    ) { g in
      var dx = [Float](repeating: 0, count: ShapeMath.count(inputShape))
      g.scalars.withUnsafeBufferPointer { pg in
        dx.withUnsafeMutableBufferPointer { o in
          Layout.scatterAdd(pg.baseAddress!, shape: inputShape, axis: ax, indices: ids, o.baseAddress!)
        }
      }
      return [Tensor(uncheckedShape: inputShape, scalars: dx), nil]
    }
  }

  /// Selects rows (slices along axis 0) by integer indices.
  public func rows(_ indices: [Int]) throws -> Tensor {
    try gather(axis: 0, indices: Tensor(indices.map(Float.init)))
  }

  /// The slice at `index` along the first axis, with that axis removed (negative counts from the end).
  public subscript(index: Int) -> Tensor {
    get throws {
      guard rank > 0 else { throw TensorError.invalidArgument("subscript: cannot index a scalar tensor") }
      let i = index < 0 ? index + shape[0] : index
      guard i >= 0 && i < shape[0] else {
        throw TensorError.indexOutOfRange(op: "subscript", index: index, bound: shape[0])
      }
      return try slice(axis: 0, start: i, end: i + 1).squeezed(axis: 0)
    }
  }

  /// The elements of a range along the first axis.
  public subscript(range: Range<Int>) -> Tensor {
    get throws {
      guard rank > 0 else { throw TensorError.invalidArgument("subscript: cannot slice a scalar tensor") }
      guard range.lowerBound >= 0, range.upperBound <= shape[0] else {
        let index = range.lowerBound < 0 ? range.lowerBound : range.upperBound
        throw TensorError.indexOutOfRange(op: "subscript range", index: index, bound: shape[0])
      }
      return try slice(axis: 0, start: range.lowerBound, end: range.upperBound)
    }
  }
}
