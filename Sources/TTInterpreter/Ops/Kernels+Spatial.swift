import TTIR
import TTKernels

extension Kernels {
  /// `conv2d` with ``TTKernels/Convolution/forward(_:weight:bias:residual:activation:geometry:_:)``
  /// on the node's own `arguments`, applying the step's kernel epilogue (residual from `all`); with
  /// the weight the plan packed (``ExecutionPlan/Step/packedConvolution``) when the geometry is the
  /// one it was packed for.
  static func convolution(_ step: Step, _ arguments: [InterpreterTensor], fusing all: [InterpreterTensor])
    -> InterpreterTensor
  {
    let geometry = convolutionGeometry(step.node, x: arguments[0].shape, weight: arguments[1].shape)
    let hasBias = arguments.count == 3
    let (residual, activation) = kernelEpilogue(step, all)
    return compute(step.outputType, arguments + (residual.map { [$0] } ?? [])) { inputs, out in
      let bias = hasBias ? inputs[2] : nil, residual = residual == nil ? nil : inputs.last
      if let packed = step.packedConvolution,
        packed.forward(
          inputs[0], bias: bias, residual: residual, activation: activation, geometry: geometry, out)
      {
        return
      }
      Convolution.forward(
        inputs[0], weight: inputs[1], bias: bias, residual: residual, activation: activation,
        geometry: geometry, out)
    }
  }

  /// The geometry of a `conv2d` or `quantized_conv2d` node with these input and weight shapes.
  static func convolutionGeometry(_ node: Node, x: [Int], weight w: [Int]) -> Conv2DGeometry {
    let window = Window2D(
      kernel: (w[2], w[3]), stride: pair(node, "stride", default: 1),
      padding: pair(node, "padding", default: 0), dilation: pair(node, "dilation", default: 1))
    return Conv2DGeometry(
      batch: x[0], inChannels: x[1], height: x[2], width: x[3], outChannels: w[0],
      groups: node.int("groups") ?? 1, window: window)
  }

  /// `max_pool2d` and `avg_pool2d` (stride defaults to the kernel).
  static func pooling(_ step: Step, _ x: InterpreterTensor) -> InterpreterTensor {
    let node = step.node
    let kernel = pair(node, "kernel", default: 1)
    let stride = node.attributes["stride"] == nil ? kernel : pair(node, "stride", default: 1)
    let geometry = Pool2DGeometry(
      batch: x.shape[0], channels: x.shape[1], height: x.shape[2], width: x.shape[3],
      window: Window2D(kernel: kernel, stride: stride, padding: pair(node, "padding", default: 0)))
    let countIncludePad = node.bool("count_include_pad") ?? true
    if case .i8(let values) = x.storage {  // max_pool2d of quantized values
      var pooled = [Int8](repeating: 0, count: step.outputType.elementCount)
      values.withUnsafeBufferPointer { input in
        pooled.withUnsafeMutableBufferPointer { output in
          guard let source = input.baseAddress, let destination = output.baseAddress else { return }
          MaxPool2D.forward(source, geometry: geometry, destination)
        }
      }
      return InterpreterTensor(unchecked: step.outputType.shape, .i8(pooled))
    }
    return compute(step.outputType, [x]) { inputs, out in
      if node.op == .maxPool2d {
        MaxPool2D.forward(inputs[0], geometry: geometry, out, indices: nil)
      } else {
        AvgPool2D.forward(inputs[0], geometry: geometry, countIncludePad: countIncludePad, out)
      }
    }
  }

  /// A `(height, width)` attribute (verified to have two entries), or `(value, value)`.
  private static func pair(_ node: Node, _ name: String, default value: Int) -> (Int, Int) {
    let values = node.ints(name) ?? [value, value]
    return (values[0], values[1])
  }
}
