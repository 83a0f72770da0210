import TTIR
import TTKernels

extension Kernels {
  /// `fused_elementwise`: the node's program over its broadcast inputs.
  static func fusedElementwise(_ step: Step, _ arguments: [InterpreterTensor]) -> InterpreterTensor {
    let shape = step.outputType.shape
    return compute(step.outputType, arguments) { inputs, out in
      run(step.program!, Array(zip(inputs, arguments.map(\.shape))), out, shape)
    }
  }

  /// Runs `program` on `operands` (pointer and shape, each broadcasting to `shape`), writing
  /// the contiguous `out` in one pass: elements are visited in chunks of up to 256 along a
  /// ``TTIR/BroadcastLoop``, and each instruction runs on a chunk with the kernel of its
  /// unfused node, so fused and unfused results are identical. `out` may be operand 0's buffer
  /// (an epilogue working in place).
  static func run(
    _ program: ElementwiseProgram, _ operands: [(UnsafePointer<Float>, [Int])],
    _ out: UnsafeMutablePointer<Float>, _ shape: [Int]
  ) {
    let loop = BroadcastLoop(output: shape, operands: operands.map(\.1))
    let rank = loop.shape.count
    let inner = loop.shape[rank - 1]
    let chunk = min(inner, 256)
    let instructions = program.instructions
    let constants = instructions.flatMap(\.operands).compactMap { operand -> Float? in
      if case .constant(let value) = operand { value } else { nil }
    }
    // One chunk per instruction result, then the constants.
    let scratch = UnsafeMutablePointer<Float>.allocate(capacity: instructions.count * chunk + constants.count)
    defer { scratch.deallocate() }
    let pool = scratch + instructions.count * chunk
    pool.initialize(from: constants, count: constants.count)
    let kernels = instructions.map(InstructionKernel.init)

    var offsets = [Int](repeating: 0, count: operands.count)
    var index = [Int](repeating: 0, count: rank)
    var values: [(pointer: UnsafePointer<Float>, isScalar: Bool)] = []
    values.reserveCapacity(instructions.count)
    var arguments: [(pointer: UnsafePointer<Float>, isScalar: Bool)] = []
    for row in 0..<loop.shape.dropLast().reduce(1, *) {
      var start = 0
      while start < inner {
        let count = min(chunk, inner - start)
        values.removeAll(keepingCapacity: true)
        var nextConstant = 0
        for (i, instruction) in instructions.enumerated() {
          arguments.removeAll(keepingCapacity: true)
          for operand in instruction.operands {
            switch operand {
            case .input(let o):
              let step = loop.strides[o][rank - 1]
              arguments.append((operands[o].0 + offsets[o] + start * step, step == 0))
            case .result(let r):
              arguments.append(values[r])
            case .constant:
              arguments.append((UnsafePointer(pool + nextConstant), true))
              nextConstant += 1
            }
          }
          let destination = scratch + i * chunk
          values.append((UnsafePointer(destination), kernels[i].apply(arguments, destination, count)))
        }
        let result = values[values.count - 1]
        let target = out + row * inner + start
        if result.isScalar {
          target.update(repeating: result.pointer[0], count: count)
        } else {
          target.update(from: result.pointer, count: count)
        }
        start += count
      }
      // Advance the odometer over the outer axes.
      var axis = rank - 2
      while axis >= 0 {
        index[axis] += 1
        for o in operands.indices { offsets[o] += loop.strides[o][axis] }
        if index[axis] < loop.shape[axis] { break }
        for o in operands.indices { offsets[o] -= loop.strides[o][axis] * loop.shape[axis] }
        index[axis] = 0
        axis -= 1
      }
    }
  }
}

/// One instruction bound to the shared kernel its op uses as a node.
private enum InstructionKernel {
  case unary(UnaryOp)
  case binary(BinaryOp)

  init(_ instruction: ElementwiseProgram.Instruction) {
    let node = instruction.node
    self =
      node.op.category == .unaryElementwise
      ? .unary(Kernels.unaryFunction(node)) : .binary(Kernels.binaryFunction(node))
  }

  /// Writes the result for `count` elements, or for one when every argument is a scalar, to
  /// `destination`; returns whether the result is a scalar.
  func apply(
    _ arguments: [(pointer: UnsafePointer<Float>, isScalar: Bool)],
    _ destination: UnsafeMutablePointer<Float>, _ count: Int
  ) -> Bool {
    let isScalar = arguments.allSatisfy(\.isScalar)
    let n = isScalar ? 1 : count
    switch self {
    case .unary(let function):
      Elementwise.unary(function, arguments[0].pointer, destination, count: n)
    case .binary(let function):
      let (a, b) = (arguments[0], arguments[1])
      Elementwise.binary(
        function, a.pointer, [a.isScalar ? 1 : n], b.pointer, [b.isScalar ? 1 : n], destination, [n])
    }
    return isScalar
  }
}
