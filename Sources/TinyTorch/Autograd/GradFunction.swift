import Synchronization

/// The backward rule of one recorded operation: which tensors it consumed, and how to turn the
/// gradient of its output into gradients of those inputs.
final class GradFunction {
  /// A short name for error messages and debugging, e.g. `"matmul"`.
  let name: String
  /// The operation's tensor inputs, in order.
  let inputs: [Tensor]
  /// Maps the output gradient to one gradient per input (`nil` where no gradient flows).
  let backward: (Tensor) throws -> [Tensor?]

  init(name: String, inputs: [Tensor], backward: @escaping (Tensor) throws -> [Tensor?]) {
    self.name = name
    self.inputs = inputs
    self.backward = backward
  }
}

/// Scoped switches for gradient tracking, visible to the current task only.
public enum GradMode {
  /// Whether new operations record backward rules. Defaults to `true`.
  @TaskLocal public static var isEnabled = true
}

/// Runs `body` with gradient tracking off (like `torch.no_grad()`), e.g. for evaluation.
public func withNoGrad<T>(_ body: () throws -> T) rethrows -> T {
  try GradMode.$isEnabled.withValue(false, operation: body)
}

extension Tensor {
  /// Wraps a freshly computed result, attaching a backward rule when any input tracks gradients.
  ///
  /// Every operation funnels through here, so this is also the one place where a trace of the
  /// operation is recorded (see ``Tracer``). A `nil` backward rule marks a non-differentiable
  /// operation (comparisons, argmax): its result never requires grad, as in PyTorch. `op` and
  /// `inputs` are only evaluated when something is recorded (a backward rule or a trace), so an
  /// operation run without gradient tracking and without a trace builds neither.
  static func result(
    _ scalars: [Float], shape: [Int], op: @autoclosure () -> TracedOp, inputs: @autoclosure () -> [Tensor],
    backward: ((Tensor) throws -> [Tensor?])?
  ) -> Tensor {
    let out = Tensor(uncheckedShape: shape, scalars: scalars)
    let tracksGradients = backward != nil && GradMode.isEnabled
    let tracer = Tracer.current
    guard tracksGradients || tracer != nil else { return out }
    let (op, inputs) = (op(), inputs())
    if let backward, tracksGradients && inputs.contains(where: { $0.requiresGrad }) {
      out.requiresGrad = true
      out.gradFunction = GradFunction(name: op.name, inputs: inputs, backward: backward)
    }
    tracer?.record(op, inputs: inputs, output: out)
    return out
  }

  /// Whether an operation on these inputs records a backward rule now: gradient tracking is on
  /// and one of them requires grad. Operations check it to skip what only backward needs.
  static func recordsGradient(_ a: Tensor, _ b: Tensor? = nil, _ c: Tensor? = nil) -> Bool {
    GradMode.isEnabled && (a.requiresGrad || b?.requiresGrad == true || c?.requiresGrad == true)
  }

  /// Runs reverse-mode differentiation from this tensor.
  ///
  /// - Parameter seed: the gradient of the final objective with respect to this tensor. It may be
  ///   omitted only for a one-element tensor (the seed is then 1).
  /// Gradients accumulate (`+=`) into the `grad` of every leaf that requires them.
  public func backward(seed: Tensor? = nil) throws {
    guard requiresGrad else {
      throw TensorError.invalidArgument(
        "backward: tensor does not require grad (no parameter with requiresGrad was involved)")
    }
    let seedGrad: Tensor
    if let seed {
      guard seed.shape == shape else { throw TensorError.shapeMismatch(op: "backward", shape, seed.shape) }
      seedGrad = seed
    } else {
      guard count == 1 else {
        throw TensorError.invalidArgument(
          "backward: an explicit seed gradient is needed for a non-scalar tensor of shape \(shape)")
      }
      seedGrad = Tensor.ones(shape)
    }
    // Backward rules are built from ordinary ops: record neither a graph nor a trace of them.
    try Tracer.$current.withValue(nil) {
      try withNoGrad { try propagate(seedGrad) }
    }
  }

  /// Pushes `seedGrad` back through the graph, accumulating into the leaves' `grad`.
  ///
  /// Gradients waiting to flow further are kept on the tensors themselves (no hashing);
  /// `defer` clears them also when a backward rule throws.
  private func propagate(_ seedGrad: Tensor) throws {
    let order = topologicalOrder()
    defer { for node in order { node.pendingGrad = nil } }
    pendingGrad = seedGrad
    for node in order {
      guard let g = node.pendingGrad else { continue }
      node.pendingGrad = nil
      guard let fn = node.gradFunction else {
        node.grad = try node.grad.map { try $0 + g } ?? g.detached()
        continue
      }
      let inputGrads = try fn.backward(g)
      for (input, inputGrad) in zip(fn.inputs, inputGrads) {
        guard input.requiresGrad, let inputGrad else { continue }
        guard inputGrad.shape == input.shape else {
          throw TensorError.invalidArgument(
            "backward of \(fn.name): gradient shape \(inputGrad.shape) does not match input shape "
              + "\(input.shape)")
        }
        input.pendingGrad = try input.pendingGrad.map { try $0 + inputGrad } ?? inputGrad
      }
    }
  }

  /// Tensors reachable from this one through backward rules, outputs before inputs.
  /// Iterative depth-first search, so deep graphs cannot overflow the stack. Visited tensors
  /// are marked with a number unique to this call (no hashing).
  func topologicalOrder() -> [Tensor] {
    let mark = Tensor.nextVisitMark()
    var order: [Tensor] = []
    var stack: [Tensor] = [self]
    var expanded: [Bool] = [false]
    while let node = stack.popLast() {
      if expanded.removeLast() {
        order.append(node)
        continue
      }
      guard node.visitMark != mark else { continue }
      node.visitMark = mark
      stack.append(node)
      expanded.append(true)
      for input in node.gradFunction?.inputs ?? [] where input.requiresGrad && input.visitMark != mark {
        stack.append(input)
        expanded.append(false)
      }
    }
    return order.reversed()
  }

  /// Distinct marks for ``topologicalOrder()`` calls, even on different threads.
  private static let visitMarks = Atomic<UInt64>(0)

  static func nextVisitMark() -> UInt64 {
    visitMarks.add(1, ordering: .relaxed).newValue
  }
}
