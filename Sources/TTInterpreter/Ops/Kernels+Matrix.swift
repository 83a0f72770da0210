import TTIR
import TTKernels

extension Kernels {
  /// `matmul` (``TTKernels/MatMul/batched(_:_:transposeA:_:_:transposeB:_:accumulate:)``) and
  /// `linear` (``TTKernels/MatMul/linear(_:rows:inFeatures:weight:outFeatures:bias:residual:activation:_:)``,
  /// applying the step's kernel epilogue, its residual from `all`) on the node's own `arguments`.
  static func matrix(_ step: Step, _ arguments: [InterpreterTensor], fusing all: [InterpreterTensor])
    -> InterpreterTensor
  {
    if step.node.op == .sparseLinear { return sparseLinear(step, arguments) }
    if let packed = step.packedWeight {
      // x[..., k] · the packed [k, n] weight (+ bias, epilogue): all leading axes are rows.
      let hasBias = step.node.op == .linear && arguments.count == 3
      let (residual, activation) = kernelEpilogue(step, all)
      return compute(step.outputType, arguments + (residual.map { [$0] } ?? [])) { inputs, out in
        packed.multiply(
          m: arguments[0].type.rowCount, a: inputs[0], c: out, bias: hasBias ? inputs[2] : nil,
          residual: residual == nil ? nil : inputs.last, activation: activation)
      }
    }
    if step.node.op == .matmul {
      return compute(step.outputType, arguments) { inputs, out in
        MatMul.batched(inputs[0], arguments[0].shape, inputs[1], arguments[1].shape, out)
      }
    }
    let weight = arguments[1].shape
    let rows = arguments[0].type.rowCount
    let hasBias = arguments.count == 3
    let (residual, activation) = kernelEpilogue(step, all)
    return compute(step.outputType, arguments + (residual.map { [$0] } ?? [])) { inputs, out in
      MatMul.linear(
        inputs[0], rows: rows, inFeatures: weight[0], weight: inputs[1], outFeatures: weight[1],
        bias: hasBias ? inputs[2] : nil, residual: residual == nil ? nil : inputs.last,
        activation: activation, out)
    }
  }

  /// `sparse_linear` (``TTKernels/SparseMatMul/linear(_:rows:inFeatures:values:columns:rowPointers:outFeatures:bias:_:)``);
  /// the verifier has checked the CSR arrays.
  static func sparseLinear(_ step: Step, _ arguments: [InterpreterTensor]) -> InterpreterTensor {
    let inFeatures = arguments[0].shape.last ?? 1
    let outFeatures = step.outputType.shape.last ?? 1
    let rows = arguments[0].type.rowCount
    if step.node.string("layout") == "sliced" {
      return slicedSparseLinear(step, arguments, rows: rows, inFeatures: inFeatures, outFeatures: outFeatures)
    }
    // One extra element keeps the base addresses valid when there are no stored values.
    // Shape inference requires i32 indices.
    guard case .i32(let storedColumns) = arguments[2].storage,
      case .i32(let rowPointers) = arguments[3].storage
    else { preconditionFailure("sparse_linear: CSR indices must be i32") }
    let columns = storedColumns + [0]
    let floats = [arguments[0], arguments[1]] + (arguments.count == 5 ? [arguments[4]] : [])
    return compute(step.outputType, floats) { inputs, out in
      SparseMatMul.linear(
        inputs[0], rows: rows, inFeatures: inFeatures, values: inputs[1], columns: columns,
        rowPointers: rowPointers, outFeatures: outFeatures, bias: inputs.count == 3 ? inputs[2] : nil,
        out)
    }
  }

  /// `sparse_linear` in layout `sliced`
  /// (``TTKernels/SparseMatMul/slicedLinear(_:rows:inFeatures:values:columns:steps:outFeatures:bias:_:)``).
  private static func slicedSparseLinear(
    _ step: Step, _ arguments: [InterpreterTensor], rows: Int, inFeatures: Int, outFeatures: Int
  ) -> InterpreterTensor {
    guard case .i8(let storedColumns) = arguments[2].storage, case .i32(let steps) = arguments[3].storage
    else {
      preconditionFailure("sparse_linear: sliced columns must be i8 and steps i32")
    }
    // One extra element keeps the base addresses valid when there are no steps.
    let (columns, stepCounts) = (storedColumns + [0], steps + [0])
    let floats = [arguments[0], arguments[1]] + (arguments.count == 5 ? [arguments[4]] : [])
    return compute(step.outputType, floats) { inputs, out in
      SparseMatMul.slicedLinear(
        inputs[0], rows: rows, inFeatures: inFeatures, values: inputs[1], columns: columns, steps: stepCounts,
        outFeatures: outFeatures, bias: inputs.count == 3 ? inputs[2] : nil, out)
    }
  }
}
