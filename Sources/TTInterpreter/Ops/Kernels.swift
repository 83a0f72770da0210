import TTIR
import TTKernels

/// Evaluates one node on its argument tensors with the shared TTKernels.
///
/// One file per op family extends this type; ``checkSupport(_:)`` runs once per node when an
/// ``Interpreter`` is created, so ``evaluate(_:_:)`` only fails on data-dependent problems.
enum Kernels {
  typealias Step = ExecutionPlan.Step

  /// Rejects nodes whose dtypes or shapes the interpreter does not compute.
  static func checkSupport(_ step: Step) throws(InterpreterError) {
    let node = step.node
    func requireFloat(_ indices: some Sequence<Int>) throws(InterpreterError) {
      for index in indices where !step.inputTypes[index].dtype.isFloatingPoint {
        throw InterpreterError(
          node: node,
          "the interpreter computes \(node.op) in f32, but input '\(node.inputs[index])' is "
            + "\(step.inputTypes[index].dtype) (cast it to f32 first)")
      }
    }
    if computesIntegers(step) && acceptsIntegers(node.op) { return }  // Kernels+Integer.swift
    switch node.op {
    case .reshape, .flatten, .cast:
      return
    case .gather:
      try requireFloat([0])
    case .where:
      try requireFloat([1, 2])  // any condition dtype
    case .dequantizeLinear, .quantizedLinear, .quantizedConv2d, .maxPool2d:
      return  // shape inference checks every dtype (max_pool2d: f32, f16 or i8)
    case .scaledDotProductAttention:
      try requireFloat(0..<3)
    case .sparseLinear:
      try requireFloat([0, 1] + (node.inputs.count == 5 ? [4] : []))
    case .reduceMax, .reduceMin, .argmax:
      try requireFloat([0])  // shape inference refuses an empty reduced axis
    default:
      try requireFloat(step.inputTypes.indices)
    }
  }

  /// The output of `step` for `arguments` (one per node input).
  static func evaluate(_ step: Step, _ arguments: [InterpreterTensor]) throws(InterpreterError)
    -> InterpreterTensor
  {
    if computesIntegers(step) && acceptsIntegers(step.node.op) { return try integer(step, arguments) }
    let own = Array(arguments.dropLast(step.node.epilogueInputCount))
    return switch step.node.op.category {
    case .unaryElementwise: unary(step, arguments[0])
    case .binaryElementwise: binary(step, arguments[0], arguments[1])
    case .selection: select(step, arguments)
    case .matrix: withEpilogue(step, arguments, matrix(step, own, fusing: arguments))
    case .convolution: withEpilogue(step, arguments, convolution(step, own, fusing: arguments))
    case .pooling: pooling(step, arguments[0])
    case .normalization: normalization(step, arguments)
    case .dataMovement: try dataMovement(step, arguments)
    case .reduction: reduction(step, arguments[0])
    case .attention: attention(step, arguments)
    case .conversion: conversion(step, arguments[0])
    case .fusedElementwise: fusedElementwise(step, arguments)
    case .quantized: quantized(step, arguments)
    case .resampling: resize(step, arguments[0])
    }
  }

  /// `product` with the step's epilogue (if any, and not applied by the kernel) applied in
  /// place; the epilogue reads the trailing arguments as `x1`….
  static func withEpilogue(
    _ step: Step, _ arguments: [InterpreterTensor], _ product: consuming InterpreterTensor
  ) -> InterpreterTensor {
    guard let program = step.program, step.kernelEpilogue == nil else { return product }
    let shape = product.shape
    let storage = (consume product).storage  // the only reference: updated without a copy
    guard case .f32(var values) = consume storage else { preconditionFailure("epilogues are f32") }
    let extras = arguments.suffix(step.node.epilogueInputCount)
    withPointers(extras.map { $0.floats() }) { pointers in
      values.withUnsafeMutableBufferPointer { buffer in
        guard let base = buffer.baseAddress else { return }
        let operands = [(UnsafePointer(base), shape)] + Array(zip(pointers, extras.map(\.shape)))
        run(program, operands, base, shape)
      }
    }
    return InterpreterTensor(unchecked: shape, .f32(values))
  }

  /// What the kernel of `step` applies as it stores the output: the residual among `arguments`
  /// (the node's last input) and the activation of its ``KernelEpilogue``.
  static func kernelEpilogue(_ step: Step, _ arguments: [InterpreterTensor])
    -> (residual: InterpreterTensor?, activation: Gemm.Activation)
  {
    guard let epilogue = step.kernelEpilogue else { return (nil, .none) }
    let activation: Gemm.Activation =
      switch epilogue.activation {
      case nil: .none
      case .relu: .relu
      case .sigmoid: .sigmoid
      case .tanh: .tanh
      case .geluTanh: .geluTanh
      case .geluErf: .geluErf
      }
    return (epilogue.addsResidual ? arguments.last : nil, activation)
  }

  /// The axes a reduction reduces, non-negative and sorted (all axes when none are given).
  static func reducedAxes(_ node: Node, rank: Int) -> [Int] {
    if node.op == .argmax {
      return [ShapeInference.normalizedAxis(node.int("axis") ?? 0, rank: rank) ?? 0]
    }
    let axes = (node.ints("axes") ?? []).compactMap { ShapeInference.normalizedAxis($0, rank: rank) }
    return axes.isEmpty ? Array(0..<rank) : axes.sorted()
  }

  /// A float tensor of `type` whose elements `body` writes (every one of them); `f16` outputs
  /// are rounded from the `f32` results. The buffer comes from the running interpreter's
  /// ``BufferPool`` when it has one of that size.
  static func output(_ type: TensorType, _ body: (UnsafeMutablePointer<Float>) -> Void)
    -> InterpreterTensor
  {
    let count = type.elementCount
    let values: [Float]
    if var reused = BufferPool.current?.take(count) {
      reused.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
      values = reused
    } else {
      values = [Float](unsafeUninitializedCapacity: max(count, 1)) { buffer, initialized in
        if count > 0 { body(buffer.baseAddress!) }
        initialized = count
      }
    }
    if type.dtype == .f16 {
      return InterpreterTensor(unchecked: type.shape, .f16(values.map(HalfConversion.halfBits(from:))))
    }
    return InterpreterTensor(unchecked: type.shape, .f32(values))
  }

  /// Calls `body` with a pointer to the elements of each array (a valid pointer even for an
  /// empty array), all alive for the duration of the call.
  static func withPointers<R>(_ arrays: [[Float]], _ body: ([UnsafePointer<Float>]) -> R) -> R {
    func bind(_ index: Int, _ pointers: [UnsafePointer<Float>]) -> R {
      guard index < arrays.count else { return body(pointers) }
      return arrays[index].withUnsafeBufferPointer { buffer in
        if let base = buffer.baseAddress { return bind(index + 1, pointers + [base]) }
        return withUnsafePointer(to: Float(0)) { bind(index + 1, pointers + [$0]) }
      }
    }
    return bind(0, [])
  }

  /// The float elements of `arguments` and a computed output of `type`.
  static func compute(
    _ type: TensorType, _ arguments: [InterpreterTensor],
    _ body: ([UnsafePointer<Float>], UnsafeMutablePointer<Float>) -> Void
  ) -> InterpreterTensor {
    withPointers(arguments.map { $0.floats() }) { inputs in
      output(type) { body(inputs, $0) }
    }
  }
}
