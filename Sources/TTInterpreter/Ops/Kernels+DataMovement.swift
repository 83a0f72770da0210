import TTIR
import TTKernels

extension Kernels {
  /// `reshape` and `flatten` (free: the storage is shared), `transpose`, `concat`, `slice` and
  /// `gather`.
  static func dataMovement(_ step: Step, _ arguments: [InterpreterTensor]) throws(InterpreterError)
    -> InterpreterTensor
  {
    let node = step.node
    let x = arguments[0]
    switch node.op {
    case .reshape, .flatten:
      return InterpreterTensor(unchecked: step.outputType.shape, x.storage)
    case .transpose:
      let perm = node.ints("perm") ?? []
      return compute(step.outputType, [x]) { inputs, out in
        Layout.permute(inputs[0], shape: x.shape, permutation: perm, out)
      }
    case .concat:
      let axis = ShapeInference.normalizedAxis(node.int("axis") ?? 0, rank: x.shape.count) ?? 0
      return compute(step.outputType, arguments) { inputs, out in
        Layout.concat(Array(zip(inputs, arguments.map(\.shape))), axis: axis, out)
      }
    case .slice:
      let (starts, ends) = (node.ints("starts") ?? [], node.ints("ends") ?? [])
      let steps = node.ints("steps") ?? Array(repeating: 1, count: x.shape.count)
      let first = x.shape.indices.map { axis in
        ShapeInference.sliceRange(
          start: starts[axis], end: ends[axis], step: steps[axis], length: x.shape[axis]
        ).start
      }
      return compute(step.outputType, [x]) { inputs, out in
        Layout.slice(
          inputs[0], shape: x.shape, start: first, step: steps, outShape: step.outputType.shape, out)
      }
    default:  // gather
      let axis = ShapeInference.normalizedAxis(node.int("axis") ?? 0, rank: x.shape.count) ?? 0
      let indices = try gatherIndices(node, arguments[1], length: x.shape[axis], axis: axis)
      return compute(step.outputType, [x]) { inputs, out in
        Layout.gather(inputs[0], shape: x.shape, axis: axis, indices: indices, out)
      }
    }
  }

  /// The indices of a `gather` (`f32` indices truncated toward zero), each checked to lie in
  /// `0..<length`.
  static func gatherIndices(
    _ node: Node, _ indices: InterpreterTensor, length: Int, axis: Int
  ) throws(InterpreterError) -> [Int] {
    // Checked before any conversion to an integer, which traps for values like 1e30.
    if case .f32(let values) = indices.storage,
      let bad = values.first(where: { !($0 > -1 && $0.rounded(.towardZero) < Float(length)) })
    {
      let problem = bad.isFinite ? "is out of range for axis \(axis) of size \(length)" : "is not a number"
      throw InterpreterError(node: node, "index \(bad) \(problem)")
    }
    let values = indices.int64s()
    if let bad = values.first(where: { $0 < 0 || $0 >= length }) {
      throw InterpreterError(
        node: node, "index \(bad) is out of range for axis \(axis) of size \(length)")
    }
    return values.map { Int($0) }
  }
}
