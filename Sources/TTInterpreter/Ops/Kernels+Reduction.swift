import TTIR
import TTKernels

extension Kernels {
  /// `reduce_sum`, `reduce_mean`, `reduce_max`, `reduce_min` over several axes
  /// (``TTKernels/Reduce/reduce(_:_:shape:axes:_:)``) and `argmax` (as `i64`).
  static func reduction(_ step: Step, _ x: InterpreterTensor) -> InterpreterTensor {
    let node = step.node
    let axes = reducedAxes(node, rank: x.shape.count)
    if node.op == .argmax {
      var indices = [Int](repeating: 0, count: step.outputType.elementCount)
      if !indices.isEmpty {
        withPointers([x.floats()]) { inputs in
          Reduce.argmax(inputs[0], shape: x.shape, axis: axes[0], &indices)
        }
      }
      return InterpreterTensor(unchecked: step.outputType.shape, .i64(indices.map(Int64.init)))
    }
    let function: ReduceOp =
      switch node.op {
      case .reduceSum: .sum
      case .reduceMean: .mean
      case .reduceMax: .max
      default: .min
      }
    return compute(step.outputType, [x]) { inputs, out in
      Reduce.reduce(function, inputs[0], shape: x.shape, axes: axes, out)
    }
  }
}
