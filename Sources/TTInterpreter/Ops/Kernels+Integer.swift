import Foundation
import TTIR

/// Integer (`i32`/`i64`) evaluation of the ops docs/IR.md lets take integers: `neg`, `abs`,
/// `relu`, `clamp`, the binary ops, `where`, `transpose`, `concat`, `slice`, `gather`, and the
/// reductions other than `reduce_mean`.
///
/// Elements are computed as `Int64` and stored in the output type: `i32` results wrap, which
/// is exactly `i32` two's-complement arithmetic for `add`, `sub`, `mul`, `neg`, `abs` and sums.
/// The float ops keep their own kernels; these loops only serve the integer tensors of shape
/// arithmetic and integer models, so they favour one general mechanism (element offsets) over
/// speed.
extension Kernels {
  /// Whether `step` computes on integer elements (its data input is `i32`, `i64` or `i8`).
  static func computesIntegers(_ step: Step) -> Bool {
    step.inputTypes[step.node.op == .where ? 1 : 0].dtype.isInteger
  }

  /// Whether the interpreter computes `op` on integer elements.
  static func acceptsIntegers(_ op: Op) -> Bool {
    switch op {
    case .neg, .abs, .relu, .clamp, .where, .transpose, .concat, .slice, .gather, .reduceSum, .reduceMax,
      .reduceMin, .argmax:
      true
    case _ where op.category == .binaryElementwise: true
    default: false
    }
  }

  /// The output of an integer `step` (see ``computesIntegers(_:)``).
  static func integer(_ step: Step, _ arguments: [InterpreterTensor]) throws(InterpreterError)
    -> InterpreterTensor
  {
    let node = step.node
    let x = arguments[0].int64s()
    let values: [Int64]
    switch node.op.category {
    case .unaryElementwise:
      values = x.map(integerUnary(node))
    case .binaryElementwise:
      let (a, b) = (arguments[0], arguments[1])
      let loop = BroadcastLoop(output: step.outputType.shape, operands: [a.shape, b.shape])
      let (offsetsA, offsetsB) = (offsets(loop, operand: 0), offsets(loop, operand: 1))
      let y = b.int64s()
      if node.op == .div || node.op == .mod, y.contains(0) {
        throw InterpreterError(node: node, "integer division by zero")
      }
      let function = try integerBinary(step)
      values = zip(offsetsA, offsetsB).map { function(x[$0], y[$1]) }
    case .selection:
      let loop = BroadcastLoop(output: step.outputType.shape, operands: arguments.map(\.shape))
      let condition = arguments[0].floats()
      let (a, b) = (arguments[1].int64s(), arguments[2].int64s())
      let (c, i, j) = (offsets(loop, operand: 0), offsets(loop, operand: 1), offsets(loop, operand: 2))
      values = c.indices.map { condition[c[$0]] != 0 ? a[i[$0]] : b[j[$0]] }
    case .reduction:
      values = integerReduction(step, x, shape: arguments[0].shape)
    default:  // data movement
      values = try integerDataMovement(step, arguments, x)
    }
    return InterpreterTensor(unchecked: step.outputType.shape, storage(values, step.outputType.dtype))
  }

  /// `values` stored as `dtype`: integers wrap to the narrower types; `f32` (comparisons) is exact
  /// for their 0/1.
  static func storage(_ values: [Int64], _ dtype: DType) -> InterpreterTensor.Storage {
    switch dtype {
    case .i64: .i64(values)
    case .i32: .i32(values.map { Int32(truncatingIfNeeded: $0) })
    case .i8: .i8(values.map { Int8(truncatingIfNeeded: $0) })
    case .f32: .f32(values.map(Float.init))
    case .f16: .f16(values.map { HalfConversion.halfBits(from: Float($0)) })
    }
  }

  /// `neg`, `abs`, `relu` or `clamp` on one integer (`−MIN` is `MIN` after wrapping to the type).
  private static func integerUnary(_ node: Node) -> (Int64) -> Int64 {
    switch node.op {
    case .neg: return { 0 &- $0 }
    case .abs: return { $0 < 0 ? 0 &- $0 : $0 }
    case .relu: return { max($0, 0) }
    default:  // clamp; bounds truncated toward zero, as the C backend writes them
      let low = node.float("min").map(truncatedInteger) ?? .min
      let high = node.float("max").map(truncatedInteger) ?? .max
      return { min(max($0, low), high) }
    }
  }

  /// `value` truncated toward zero and saturated to `Int64` (NaN → 0).
  static func truncatedInteger(_ value: Double) -> Int64 {
    if value.isNaN { return 0 }
    if value <= -0x1p63 { return .min }
    if value >= 0x1p63 { return .max }
    return Int64(value.rounded(.towardZero))
  }

  /// A binary op on two integers of the step's input type (comparisons give 0/1).
  private static func integerBinary(_ step: Step) throws(InterpreterError) -> (Int64, Int64) -> Int64 {
    let dtype = step.inputTypes[0].dtype
    let (low, high) = integerBounds(dtype)
    switch step.node.op {
    case .add: return { $0 &+ $1 }
    case .sub: return { $0 &- $1 }
    case .mul: return { $0 &* $1 }
    // Truncating toward zero; MIN / −1 wraps to MIN (and i32's MIN / −1 = 2^31 wraps to MIN).
    case .div: return { $1 == -1 ? 0 &- $0 : $0 / $1 }
    case .pow:
      // Computed in double, then as a cast: truncated toward zero, NaN → 0, saturated.
      return { a, b in
        let power = Foundation.pow(Double(a), Double(b))
        return power.isNaN ? 0 : min(max(truncatedInteger(power), low), high)
      }
    case .maximum: return { max($0, $1) }
    case .minimum: return { min($0, $1) }
    case .equal: return { $0 == $1 ? 1 : 0 }
    case .less: return { $0 < $1 ? 1 : 0 }
    case .greater: return { $0 > $1 ? 1 : 0 }
    case .mod:
      // Exact (MIN mod −1 is 0, where C's % would trap); fmod = false gives the divisor's sign.
      let floored = step.node.bool("fmod") != true
      return { a, b in
        let r = b == -1 ? 0 : a % b
        return floored && r != 0 && (r < 0) != (b < 0) ? r + b : r
      }
    default:
      throw InterpreterError(node: step.node, "the interpreter has no integer form of \(step.node.op)")
    }
  }

  /// The lowest and highest values of an integer `dtype`.
  static func integerBounds(_ dtype: DType) -> (low: Int64, high: Int64) {
    switch dtype {
    case .i8: (Int64(Int8.min), Int64(Int8.max))
    case .i32: (Int64(Int32.min), Int64(Int32.max))
    default: (.min, .max)
    }
  }

  /// `reduce_sum` (wrapping), `reduce_max`, `reduce_min` or `argmax` (first index on ties).
  private static func integerReduction(_ step: Step, _ x: [Int64], shape: [Int]) -> [Int64] {
    let node = step.node
    let axes = reducedAxes(node, rank: shape.count)
    let count = step.outputType.elementCount
    if node.op == .argmax {
      let axis = axes[0]
      let (length, inner) = (shape[axis], shape[(axis + 1)...].reduce(1, *))
      return (0..<count).map { position in
        let base = (position / inner) * length * inner + position % inner
        var best = 0
        for j in 1..<max(length, 1) where x[base + j * inner] > x[base + best * inner] { best = j }
        return Int64(best)
      }
    }
    // Each input element adds to the output element at its position with the reduced axes dropped.
    var strides = [Int](repeating: 0, count: shape.count)
    var running = 1
    for axis in shape.indices.reversed() where !axes.contains(axis) {
      strides[axis] = running
      running *= shape[axis]
    }
    let (initial, combine): (Int64, (Int64, Int64) -> Int64) =
      switch node.op {
      case .reduceMax: (integerBounds(step.inputTypes[0].dtype).low, { max($0, $1) })
      case .reduceMin: (integerBounds(step.inputTypes[0].dtype).high, { min($0, $1) })
      default: (0, { $0 &+ $1 })
      }
    var result = [Int64](repeating: initial, count: count)
    for (element, target) in offsets(shape: shape, strides: strides).enumerated() {
      result[target] = combine(result[target], x[element])
    }
    return result
  }

  /// `transpose`, `concat`, `slice` or `gather` of integer elements, as element offsets into
  /// the input (the same walks as the float kernels).
  private static func integerDataMovement(
    _ step: Step, _ arguments: [InterpreterTensor], _ x: [Int64]
  ) throws(InterpreterError) -> [Int64] {
    let node = step.node
    let shape = arguments[0].shape
    let strides = rowMajorStrides(shape)
    let outShape = step.outputType.shape
    switch node.op {
    case .transpose:
      let perm = node.ints("perm") ?? Array(shape.indices.reversed())
      return offsets(shape: outShape, strides: perm.map { strides[$0] }).map { x[$0] }
    case .slice:
      let (starts, ends) = (node.ints("starts") ?? [], node.ints("ends") ?? [])
      let steps = node.ints("steps") ?? Array(repeating: 1, count: shape.count)
      let first = shape.indices.map { axis in
        ShapeInference.sliceRange(
          start: starts[axis], end: ends[axis], step: steps[axis], length: shape[axis]
        )
        .start
      }
      let base = zip(first, strides).map(*).reduce(0, +)
      return offsets(shape: outShape, strides: zip(strides, steps).map(*)).map { x[base + $0] }
    case .concat:
      let axis = ShapeInference.normalizedAxis(node.int("axis") ?? 0, rank: shape.count) ?? 0
      let outer = shape[..<axis].reduce(1, *)
      let parts = arguments.map { ($0.int64s(), $0.shape[axis...].reduce(1, *)) }
      var result: [Int64] = []
      result.reserveCapacity(step.outputType.elementCount)
      for o in 0..<outer {
        for (values, block) in parts { result += values[(o * block)..<((o + 1) * block)] }
      }
      return result
    default:  // gather
      let axis = ShapeInference.normalizedAxis(node.int("axis") ?? 0, rank: shape.count) ?? 0
      let indices = try gatherIndices(node, arguments[1], length: shape[axis], axis: axis)
      let (outer, length, inner) = (shape[..<axis].reduce(1, *), shape[axis], strides[axis])
      var result: [Int64] = []
      result.reserveCapacity(step.outputType.elementCount)
      for o in 0..<outer {
        for index in indices {
          result += x[((o * length + index) * inner)..<((o * length + index + 1) * inner)]
        }
      }
      return result
    }
  }

  /// Row-major strides of `shape`.
  private static func rowMajorStrides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    for axis in shape.indices.dropLast().reversed() { strides[axis] = strides[axis + 1] * shape[axis + 1] }
    return strides
  }

  /// The offset `Σ index[k]·strides[k]` of every position of `shape`, in row-major order.
  private static func offsets(shape: [Int], strides: [Int]) -> [Int] {
    let count = shape.reduce(1, *)
    guard count > 0 else { return [] }
    var result = [Int](repeating: 0, count: count)
    var index = [Int](repeating: 0, count: shape.count)
    var offset = 0
    for position in 0..<count {
      result[position] = offset
      var axis = shape.count - 1
      while axis >= 0 {
        index[axis] += 1
        offset += strides[axis]
        if index[axis] < shape[axis] { break }
        offset -= strides[axis] * shape[axis]
        index[axis] = 0
        axis -= 1
      }
    }
    return result
  }

  /// The element offsets operand `operand` of `loop` reads, one per output element.
  private static func offsets(_ loop: BroadcastLoop, operand: Int) -> [Int] {
    offsets(shape: loop.shape, strides: loop.strides[operand])
  }
}
