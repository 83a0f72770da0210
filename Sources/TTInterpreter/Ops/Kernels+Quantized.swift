import TTIR
import TTKernels

extension Kernels {
  /// `quantized_linear` with ``TTKernels/QuantizedLinear`` (Runtime/tt_qgemm.c, the C compiled
  /// models run, so both engines agree bit for bit).
  static func quantized(_ step: Step, _ arguments: [InterpreterTensor]) -> InterpreterTensor {
    let node = step.node
    guard case .i8(let weight) = arguments[1].storage else { preconditionFailure("verified i8 weight") }
    let scales = arguments[2].floats()
    let bias = arguments.count > 3 ? arguments[3].floats() : nil
    let (n, k) = (arguments[1].shape[0], arguments[1].shape[1])
    let m = arguments[0].type.rowCount
    let relu = node.bool("relu") ?? false
    let shape = step.outputType.shape

    func run(_ x: QuantizedLinear.Input, _ out: QuantizedLinear.Output) {
      withPointers([scales, bias ?? [0]]) { floats in
        QuantizedLinear.run(
          x, rows: m, inFeatures: k, weight: weight, outFeatures: n, weightScales: floats[0],
          bias: bias == nil ? nil : floats[1], relu: relu, out)
      }
    }
    func compute(_ x: QuantizedLinear.Input) -> InterpreterTensor {
      guard let outScale = node.float("out_scale") else {
        return output(step.outputType) { run(x, .float($0)) }
      }
      var values = [Int8](repeating: 0, count: step.outputType.elementCount)
      values.withUnsafeMutableBufferPointer { buffer in
        guard let base = buffer.baseAddress else { return }
        run(x, .int8(base, scale: Float(outScale), zeroPoint: node.int("out_zero_point") ?? 0))
      }
      return InterpreterTensor(unchecked: shape, .i8(values))
    }
    switch arguments[0].storage {
    case .i8(let x):
      return x.withUnsafeBufferPointer { buffer in
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
