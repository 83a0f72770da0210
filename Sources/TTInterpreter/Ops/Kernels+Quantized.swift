import TTIR
import TTKernels

extension Kernels {
  /// `quantized_linear` with ``TTKernels/QuantizedLinear`` and `quantized_conv2d` with
  /// ``TTKernels/QuantizedConvolution`` (Runtime/tt_qgemm.c and tt_qconv.c, the C compiled models
  /// run, so both engines agree bit for bit).
  static func quantized(_ step: Step, _ arguments: [InterpreterTensor]) -> InterpreterTensor {
    let node = step.node
    guard case .i8(let weight) = arguments[1].storage else { preconditionFailure("verified i8 weight") }
    let scales = arguments[2].floats()
    let bias = arguments.count > 3 ? arguments[3].floats() : nil
    let relu = node.bool("relu") ?? false
    let shape = step.outputType.shape
    let (x, w) = (arguments[0].shape, arguments[1].shape)

    func run(_ input: QuantizedLinear.Input, _ out: QuantizedLinear.Output) {
      withPointers([scales, bias ?? [0]]) { floats in
        let bias = bias == nil ? nil : floats[1]
        switch node.op {
        case .quantizedConv2d:
          let geometry = convolutionGeometry(node, x: x, weight: w)
          QuantizedConvolution.run(
            input, weight: weight, weightScales: floats[0], bias: bias, relu: relu, geometry: geometry, out,
            packed: step.packedInt8Weight)
        default:
          let (n, k) = (w[0], w[1])
          QuantizedLinear.run(
            input, rows: arguments[0].type.rowCount, inFeatures: k, weight: weight, outFeatures: n,
            weightScales: floats[0], bias: bias, relu: relu, out, packed: step.packedInt8Weight)
        }
      }
    }
    func compute(_ input: QuantizedLinear.Input) -> InterpreterTensor {
      guard let outScale = node.float("out_scale") else {
        return output(step.outputType) { run(input, .float($0)) }
      }
      var values = [Int8](repeating: 0, count: step.outputType.elementCount)
      values.withUnsafeMutableBufferPointer { buffer in
        guard let base = buffer.baseAddress else { return }
        run(input, .int8(base, scale: Float(outScale), zeroPoint: node.int("out_zero_point") ?? 0))
      }
      return InterpreterTensor(unchecked: shape, .i8(values))
    }
    switch arguments[0].storage {
    case .i8(let values):
      return values.withUnsafeBufferPointer { buffer in
        compute(
          .int8(
            buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!, scale: Float(node.float("x_scale") ?? 1),
            zeroPoint: node.int("x_zero_point") ?? 0))
      }
    default:
      return withPointers([arguments[0].floats()]) { compute(.float($0[0])) }
    }
  }
}
