import TTIR

/// Evaluates ops on constants at import time, so the shape arithmetic exporters write
/// (`Shape` → `Gather` → `Unsqueeze` → `Concat` → `Reshape`) folds away and never reaches the
/// graph. Data movement copies elements as bytes (any dtype); arithmetic runs in `Int64` for
/// integers and in `Float` for `f32`/`f16`, as the graph would.
enum ConstantFolding {
  /// Constants larger than this (elements) are not folded by arithmetic; the graph computes them.
  static let elementLimit = 1 << 20
  /// The most elements a constant made at import may have when it is larger than the values it
  /// comes from (`ConstantOfShape`, `Expand`, `Tile`, `Gather`, padding), so that a small file
  /// cannot make the importer allocate gigabytes (`NodeContext.checkCreatedConstant`).
  static let createdElementLimit = 1 << 26

  // MARK: Making constants

  /// A tensor of `shape` filled with `value` (converted to `dtype` as ``integer(_:_:)`` does).
  static func filled(_ value: Double, dtype: DType, shape: [Int]) -> TensorData {
    let count = shape.reduce(1, *)
    return dtype.isFloatingPoint
      ? make(floats: Array(repeating: Float(value), count: count), dtype: dtype, shape: shape)
      : make(ints: Array(repeating: integer(value, dtype), count: count), dtype: dtype, shape: shape)
  }

  /// `value` as an integer of `dtype`, as the IR's `cast` converts: truncated toward zero,
  /// saturated at the type's bounds (±infinity too), NaN → 0.
  static func integer(_ value: Double, _ dtype: DType) -> Int64 {
    let bits = dtype.byteSize * 8
    let (low, high) = (-Int64(1) << (bits - 1), Int64.max >> (64 - bits))
    if value.isNaN { return 0 }
    if value <= Double(low) { return low }
    if value >= Double(high) { return high }
    return Int64(value.rounded(.towardZero))
  }

  /// A tensor of `shape` holding the single element of `element` everywhere.
  static func repeated(_ element: TensorData, shape: [Int]) -> TensorData {
    let total = shape.reduce(1, *) * element.dtype.byteSize
    var bytes = element.bytes
    bytes.reserveCapacity(total)
    while bytes.count < total { bytes.append(contentsOf: bytes[0..<min(bytes.count, total - bytes.count)]) }
    return try! TensorData(type: TensorType(element.dtype, shape), bytes: Array(bytes.prefix(total)))
  }

  /// A tensor of integer `dtype` (or float, converting) from `values`.
  static func make(ints values: [Int64], dtype: DType, shape: [Int]) -> TensorData {
    switch dtype {
    case .i64: TensorData(int64s: values, shape: shape)
    case .i32: TensorData(int32s: values.map { Int32(truncatingIfNeeded: $0) }, shape: shape)
    case .i8: TensorData(int8s: values.map { Int8(truncatingIfNeeded: $0) }, shape: shape)
    case .f32: TensorData(values.map { Float($0) }, shape: shape)
    case .f16: TensorData(halves: values.map { Float($0) }, shape: shape)
    }
  }

  /// A tensor of `dtype` from `values` (integers truncate toward zero).
  static func make(floats values: [Float], dtype: DType, shape: [Int]) -> TensorData {
    switch dtype {
    case .f32: TensorData(values, shape: shape)
    case .f16: TensorData(halves: values, shape: shape)
    case .i8, .i32, .i64:
      make(ints: values.map { integer(Double($0), dtype) }, dtype: dtype, shape: shape)
    }
  }

  /// `data` converted to `dtype` (float → int truncates toward zero, as the IR's `cast`).
  static func cast(_ data: TensorData, to dtype: DType) -> TensorData {
    if data.dtype == dtype { return data }
    return data.dtype.isFloatingPoint
      ? make(floats: data.floats(), dtype: dtype, shape: data.shape)
      : make(ints: data.int64s(), dtype: dtype, shape: data.shape)
  }

  // MARK: Data movement

  /// The same bytes with a new shape of equal element count.
  static func reshaped(_ data: TensorData, _ shape: [Int]) -> TensorData {
    try! TensorData(type: TensorType(data.dtype, shape), bytes: data.bytes)
  }

  /// A tensor of `shape` whose element `i` is element `sources[i]` of `data`.
  static func elements(of data: TensorData, at sources: [Int], shape: [Int]) -> TensorData {
    let size = data.dtype.byteSize
    var bytes = [UInt8](repeating: 0, count: sources.count * size)
    data.bytes.withUnsafeBufferPointer { source in
      bytes.withUnsafeMutableBufferPointer { target in
        for (index, from) in sources.enumerated() {
          for byte in 0..<size { target[index * size + byte] = source[from * size + byte] }
        }
      }
    }
    return try! TensorData(type: TensorType(data.dtype, shape), bytes: bytes)
  }

  /// Row-major strides of `shape`.
  static func strides(_ shape: [Int]) -> [Int] {
    var strides = Array(repeating: 1, count: shape.count)
    for axis in shape.indices.reversed().dropFirst() { strides[axis] = strides[axis + 1] * shape[axis + 1] }
    return strides
  }

  /// For every element of `shape` (row-major), `body(multiIndex)`.
  static func forEachIndex(_ shape: [Int], _ body: ([Int]) -> Void) {
    let count = shape.reduce(1, *)
    guard count > 0 else { return }
    var index = Array(repeating: 0, count: shape.count)
    for _ in 0..<count {
      body(index)
      var axis = shape.count - 1
      while axis >= 0 {
        index[axis] += 1
        if index[axis] < shape[axis] { break }
        index[axis] = 0
        axis -= 1
      }
    }
  }

  /// Source positions when reading a tensor of `sourceShape` broadcast to `shape`.
  static func broadcastSources(from sourceShape: [Int], to shape: [Int]) -> [Int] {
    let offset = shape.count - sourceShape.count
    let sourceStrides = strides(sourceShape)
    var sources: [Int] = []
    sources.reserveCapacity(shape.reduce(1, *))
    forEachIndex(shape) { index in
      var flat = 0
      for axis in sourceShape.indices where sourceShape[axis] != 1 {
        flat += index[axis + offset] * sourceStrides[axis]
      }
      sources.append(flat)
    }
    return sources
  }

  /// `data` permuted by `perm`: one pass over the output with a running source offset, copying
  /// whole elements (weights transposed at import can be hundreds of megabytes).
  static func transposed(_ data: TensorData, _ perm: [Int]) -> TensorData {
    let shape = perm.map { data.shape[$0] }
    let sourceStrides = strides(data.shape)
    let steps = perm.map { sourceStrides[$0] }
    let count = shape.reduce(1, *)
    let size = data.dtype.byteSize
    var bytes = [UInt8](repeating: 0, count: count * size)
    guard count > 0 else { return try! TensorData(type: TensorType(data.dtype, shape), bytes: bytes) }
    let rank = shape.count
    let inner = rank == 0 ? 1 : shape[rank - 1]
    let innerStep = rank == 0 ? 0 : steps[rank - 1]
    data.bytes.withUnsafeBytes { source in
      bytes.withUnsafeMutableBytes { target in
        var index = Array(repeating: 0, count: max(rank - 1, 0))
        var offset = 0
        var written = 0
        while written < count {
          for j in 0..<inner {
            (target.baseAddress! + (written + j) * size).copyMemory(
              from: source.baseAddress! + (offset + j * innerStep) * size, byteCount: size)
          }
          written += inner
          var axis = rank - 2
          while axis >= 0 {
            index[axis] += 1
            offset += steps[axis]
            if index[axis] < shape[axis] { break }
            offset -= steps[axis] * shape[axis]
            index[axis] = 0
            axis -= 1
          }
        }
      }
    }
    return try! TensorData(type: TensorType(data.dtype, shape), bytes: bytes)
  }

  /// `parts` joined along `axis` (same dtype, equal other dimensions).
  static func concatenated(_ parts: [TensorData], axis: Int) -> TensorData {
    var shape = parts[0].shape
    shape[axis] = parts.reduce(0) { $0 + $1.shape[axis] }
    let outer = shape[..<axis].reduce(1, *)
    var bytes: [UInt8] = []
    for block in 0..<outer {
      for part in parts {
        let chunk = part.shape[axis...].reduce(1, *) * part.dtype.byteSize
        bytes.append(contentsOf: part.bytes[(block * chunk)..<((block + 1) * chunk)])
      }
    }
    return try! TensorData(type: TensorType(parts[0].dtype, shape), bytes: bytes)
  }

  /// Python-style slicing, one `starts`/`ends`/`steps` entry per axis.
  static func sliced(_ data: TensorData, starts: [Int], ends: [Int], steps: [Int]) -> TensorData {
    let ranges = data.shape.indices.map {
      ShapeInference.sliceRange(start: starts[$0], end: ends[$0], step: steps[$0], length: data.shape[$0])
    }
    let shape = ranges.map(\.count)
    let sourceStrides = strides(data.shape)
    var sources: [Int] = []
    forEachIndex(shape) { index in
      var flat = 0
      for axis in index.indices {
        flat += (ranges[axis].start + index[axis] * steps[axis]) * sourceStrides[axis]
      }
      sources.append(flat)
    }
    return elements(of: data, at: sources, shape: shape)
  }

  /// `data` gathered along `axis` at `indices` (already in range).
  static func gathered(_ data: TensorData, indices: [Int], indicesShape: [Int], axis: Int) -> TensorData {
    let outer = data.shape[..<axis].reduce(1, *)
    let inner = data.shape[(axis + 1)...].reduce(1, *)
    let shape = Array(data.shape[..<axis]) + indicesShape + Array(data.shape[(axis + 1)...])
    var sources: [Int] = []
    for block in 0..<outer {
      for index in indices {
        let base = (block * data.shape[axis] + index) * inner
        sources.append(contentsOf: base..<(base + inner))
      }
    }
    return elements(of: data, at: sources, shape: shape)
  }

  // MARK: Arithmetic

  /// `op(a, b)` with broadcasting, or `nil` when the op does not fold (or would divide by zero);
  /// `fmod` is `mod`'s attribute.
  static func binary(_ op: Op, _ a: TensorData, _ b: TensorData, fmod: Bool = false) -> TensorData? {
    guard a.dtype == b.dtype, let shape = ShapeInference.broadcast(a.shape, b.shape),
      shape.reduce(1, *) <= elementLimit
    else { return nil }
    let left = broadcastSources(from: a.shape, to: shape)
    let right = broadcastSources(from: b.shape, to: shape)
    let dtype = op.isComparison ? DType.f32 : a.dtype
    if a.dtype.isFloatingPoint {
      let values = combine(a.floats(), b.floats(), left, right) { floatOp(op, $0, $1, fmod: fmod) }
      return values.map { make(floats: $0, dtype: dtype, shape: shape) }
    }
    let values = combine(a.int64s(), b.int64s(), left, right) { intOp(op, $0, $1, fmod: fmod) }
    return values.map { make(ints: $0, dtype: dtype, shape: shape) }
  }

  /// `function(x[left[i]], y[right[i]])` for every `i`, or `nil` if any call gives `nil`.
  private static func combine<T>(
    _ x: [T], _ y: [T], _ left: [Int], _ right: [Int], _ function: (T, T) -> T?
  ) -> [T]? {
    var result: [T] = []
    result.reserveCapacity(left.count)
    for (i, j) in zip(left, right) {
      guard let value = function(x[i], y[j]) else { return nil }
      result.append(value)
    }
    return result
  }

  /// One element of `op` as the IR computes it (docs/IR.md).
  private static func floatOp(_ op: Op, _ x: Float, _ y: Float, fmod: Bool) -> Float? {
    switch op {
    case .add: x + y
    case .sub: x - y
    case .mul: x * y
    case .div: x / y
    case .mod:
      // C's fmodf; without `fmod`, the divisor's sign. x mod 0 is NaN.
      { r in !fmod && r != 0 && (r < 0) != (y < 0) ? r + y : r }(x.truncatingRemainder(dividingBy: y))
    case .maximum: x > y || x.isNaN ? x : y  // a NaN operand gives NaN
    case .minimum: x < y || x.isNaN ? x : y
    case .equal: x == y ? 1 : 0
    case .less: x < y ? 1 : 0
    case .greater: x > y ? 1 : 0
    default: nil
    }
  }

  /// One element of `op` as the IR computes it; `nil` for a zero divisor (a run-time error).
  private static func intOp(_ op: Op, _ x: Int64, _ y: Int64, fmod: Bool) -> Int64? {
    switch op {
    case .add: x &+ y
    case .sub: x &- y
    case .mul: x &* y
    // Truncating toward zero; MIN / −1 wraps to MIN, as in the interpreter.
    case .div: y == 0 ? nil : y == -1 ? 0 &- x : x / y
    case .mod:
      // Exact (MIN mod −1 is 0); without `fmod`, the divisor's sign.
      y == 0 ? nil : { r in !fmod && r != 0 && (r < 0) != (y < 0) ? r + y : r }(y == -1 ? 0 : x % y)
    case .maximum: max(x, y)
    case .minimum: min(x, y)
    case .equal: x == y ? 1 : 0
    case .less: x < y ? 1 : 0
    case .greater: x > y ? 1 : 0
    default: nil
    }
  }

  /// `condition ? a : b` with broadcasting (`condition` nonzero is true).
  static func select(_ condition: TensorData, _ a: TensorData, _ b: TensorData) -> TensorData? {
    guard a.dtype == b.dtype,
      let partial = ShapeInference.broadcast(a.shape, b.shape),
      let shape = ShapeInference.broadcast(condition.shape, partial),
      shape.reduce(1, *) <= elementLimit
    else { return nil }
    let flags = condition.floats()
    let conditionSources = broadcastSources(from: condition.shape, to: shape)
    let aSources = broadcastSources(from: a.shape, to: shape)
    let bSources = broadcastSources(from: b.shape, to: shape)
    let both = concatenated(
      [reshaped(a, [a.shape.reduce(1, *)]), reshaped(b, [b.shape.reduce(1, *)])], axis: 0)
    let aCount = a.shape.reduce(1, *)
    let sources = conditionSources.indices.map {
      flags[conditionSources[$0]] != 0 ? aSources[$0] : aCount + bSources[$0]
    }
    return elements(of: both, at: sources, shape: shape)
  }
}
