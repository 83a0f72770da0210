import TTIR
import TTKernels

extension Kernels {
  /// `batch_norm` (inference), `softmax`, `log_softmax` and `layer_norm`.
  static func normalization(_ step: Step, _ arguments: [InterpreterTensor]) -> InterpreterTensor {
    let node = step.node
    let shape = arguments[0].shape
    let eps = Float(node.float("eps") ?? 1e-5)
    switch node.op {
    case .batchNorm:
      let spatial = shape.dropFirst(2).reduce(1, *)
      return compute(step.outputType, arguments) { inputs, out in
        BatchNorm.forward(
          inputs[0], batch: shape[0], channels: shape[1], spatial: spatial, scale: inputs[1],
          bias: inputs[2], mean: inputs[3], variance: inputs[4], eps: eps, out)
      }
    case .softmax, .logSoftmax:
      let axis = ShapeInference.normalizedAxis(node.int("axis") ?? -1, rank: shape.count) ?? 0
      return compute(step.outputType, arguments) { inputs, out in
        Softmax.forward(inputs[0], shape: shape, axis: axis, log: node.op == .logSoftmax, out)
      }
    default:  // layer_norm
      let width = shape.last ?? 1
      let rows = arguments[0].count / max(width, 1)
      return compute(step.outputType, arguments) { inputs, out in
        LayerNorm.forward(
          inputs[0], rows: rows, width: width, eps: eps,
          gamma: inputs.count > 1 ? inputs[1] : nil, beta: inputs.count > 2 ? inputs[2] : nil, out)
      }
    }
  }
}
