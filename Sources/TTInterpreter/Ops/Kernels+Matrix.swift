import TTIR
import TTKernels

extension Kernels {
  /// `matmul` (``TTKernels/MatMul/batched(_:_:transposeA:_:_:transposeB:_:accumulate:)``) and
  /// `linear` (``TTKernels/MatMul/linear(_:rows:inFeatures:weight:outFeatures:bias:_:)``).
  static func matrix(_ step: Step, _ arguments: [InterpreterTensor]) -> InterpreterTensor {
    if step.node.op == .matmul {
      return compute(step.outputType, arguments) { inputs, out in
        MatMul.batched(inputs[0], arguments[0].shape, inputs[1], arguments[1].shape, out)
      }
    }
    let weight = arguments[1].shape
    let rows = arguments[0].count / max(weight[0], 1)
    let hasBias = arguments.count == 3
    return compute(step.outputType, arguments) { inputs, out in
      MatMul.linear(
        inputs[0], rows: rows, inFeatures: weight[0], weight: inputs[1], outFeatures: weight[1],
        bias: hasBias ? inputs[2] : nil, out)
    }
  }
}
