/// The base class of the optimizers: it owns the parameters, the learning rate, the step count
/// and named per-parameter state buffers (momentum, moment estimates), and exposes all of that
/// as a ``StateDict`` so a checkpoint can restore it exactly.
///
/// Subclasses declare their buffers with ``init(parameters:learningRate:bufferNames:)`` and
/// implement ``update(_:gradient:state:)``.
///
/// ```swift
/// let optimizer = Adam(model.parameters(), learningRate: 1e-3)
/// model.zeroGrad()
/// try loss.backward()
/// try optimizer.step()
/// ```
open class Optimizer {
  /// The tensors this optimizer updates, in order.
  public let parameters: [Tensor]
  /// The learning rate used by the next ``step()``; schedules change it between epochs.
  public var learningRate: Float
  /// The number of steps taken so far (Adam's bias correction uses it, 1-based).
  public private(set) var stepCount = 0
  /// The names of the per-parameter state buffers, e.g. `["exp_avg", "exp_avg_sq"]`.
  public let bufferNames: [String]
  /// `buffers[i]` holds the buffers of parameter `i` back to back, in ``Optimizer/bufferNames`` order
  /// (zeros at first).
  var buffers: [[Float]]

  /// Creates an optimizer over `parameters` with zero-initialized state buffers.
  ///
  /// A parameter without `requiresGrad` or a negative or non-finite learning rate is a
  /// programming error (as in PyTorch): the program stops with the message of
  /// ``validate(parameters:learningRate:)``.
  public init(parameters: [Tensor], learningRate: Float, bufferNames: [String]) {
    ArgumentCheck.orStop { try Self.validate(parameters: parameters, learningRate: learningRate) }
    self.parameters = parameters
    self.learningRate = learningRate
    self.bufferNames = bufferNames
    buffers = parameters.map { [Float](repeating: 0, count: $0.count * bufferNames.count) }
  }

  /// Throws, naming the optimizer, the parameter's index and shape, when a parameter does not
  /// require gradients, or when the learning rate is negative or not finite.
  public static func validate(parameters: [Tensor], learningRate: Float) throws {
    try ArgumentCheck.require(
      learningRate >= 0 && learningRate.isFinite,
      "\(self)(learningRate: \(learningRate)): the learning rate must be finite and ≥ 0")
    if let index = parameters.firstIndex(where: { !$0.requiresGrad }) {
      throw TensorError.invalidArgument(
        "\(self): parameter \(index) (shape \(parameters[index].shape)) does not require gradients; "
          + "pass model.parameters() or create it with requiresGrad: true")
    }
  }

  /// Updates every parameter that has a gradient, then counts the step. Parameters whose
  /// `grad` is nil are left untouched; a pruned parameter's pruned values stay zero.
  public func step() throws {
    stepCount += 1
    for (index, parameter) in parameters.enumerated() {
      guard let grad = parameter.grad else { continue }
      guard grad.shape == parameter.shape else {
        throw TensorError.invalidArgument(
          "optimizer step: gradient of parameter \(index) has shape \(grad.shape), "
            + "the parameter has \(parameter.shape)")
      }
      grad.scalars.withUnsafeBufferPointer { g in
        parameter.updateScalars { p in
          buffers[index].withUnsafeMutableBufferPointer { s in update(p, gradient: g, state: s) }
        }
      }
      parameter.applyPruningMask()
    }
  }

  /// Applies one step's rule to one parameter's values in place.
  ///
  /// - Parameters:
  ///   - values: the parameter's values.
  ///   - gradient: its gradient, same count.
  ///   - state: its state buffers back to back in ``Optimizer/bufferNames`` order, `values.count` each.
  open func update(
    _ values: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
    state: UnsafeMutableBufferPointer<Float>
  ) {
    fatalError("\(type(of: self)) must override Optimizer.update(_:gradient:state:)")
  }

  /// Clears the gradients of all parameters.
  public func zeroGrad() { parameters.forEach { $0.zeroGrad() } }

  /// The optimizer's complete mutable state: `"step"` and `"learning_rate"` (rank-0) and
  /// `"<index>.<buffer>"` for each parameter's buffers, e.g. `"0.exp_avg"`.
  ///
  /// The step count is stored as a `Float`, exact up to 2²⁴ steps.
  public func stateDict() -> StateDict {
    var state: StateDict = [
      (name: "step", tensor: Tensor(Float(stepCount))),
      (name: "learning_rate", tensor: Tensor(learningRate)),
    ]
    for (index, parameter) in parameters.enumerated() {
      for (b, name) in bufferNames.enumerated() {
        state.append(
          (
            name: "\(index).\(name)",
            tensor: Tensor(
              uncheckedShape: parameter.shape,
              scalars: Array(buffers[index][(b * parameter.count)..<((b + 1) * parameter.count)]))
          ))
      }
    }
    return state
  }

  /// Restores state saved by ``stateDict()``. Throws, naming the entry, when one is missing,
  /// misshapen or unknown; nothing is modified unless every check passes.
  public func loadStateDict(_ state: StateDict) throws {
    var byName: [String: Tensor] = [:]
    for (name, tensor) in state { byName[name] = tensor }
    let expected = stateDict()
    for (name, tensor) in expected {
      guard let value = byName[name] else {
        throw TensorError.invalidArgument(
          "optimizer loadStateDict: missing entry '\(name)' (shape \(tensor.shape))")
      }
      guard value.shape == tensor.shape else {
        throw TensorError.invalidArgument(
          "optimizer loadStateDict: entry '\(name)' has shape \(value.shape), expected \(tensor.shape)")
      }
    }
    let known = Set(expected.map(\.name))
    if let extra = state.map(\.name).first(where: { !known.contains($0) }) {
      throw TensorError.invalidArgument("optimizer loadStateDict: unexpected entry '\(extra)'")
    }
    let step = byName["step"]!.item
    guard step >= 0, step == step.rounded() else {
      throw TensorError.invalidArgument("optimizer loadStateDict: step \(step) is not a whole number ≥ 0")
    }
    stepCount = Int(step)
    learningRate = byName["learning_rate"]!.item
    for index in parameters.indices {
      buffers[index] = bufferNames.flatMap { byName["\(index).\($0)"]!.scalars }
    }
  }
}
