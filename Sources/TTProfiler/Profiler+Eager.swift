import TTIR
import TinyTorch

extension Profiler {
  /// Profiles `model(input)` in eager mode, in evaluation mode without gradients: ``warmup``
  /// untimed calls, then ``runs`` calls timing every module call (a ``TinyTorch/ModuleCallObserver``)
  /// and counting tensor storage (``TinyTorch/TensorAllocationCounter``, the measured peak).
  ///
  /// Each module call's FLOPs, bytes and parameters come from the one cost model applied to a
  /// trace of the same call (`trace(_:example:)`): a module's costs are those of the graph nodes
  /// its calls ran, its submodules' included. Entries nest as the calls do (`""` names the model).
  ///
  /// - Throws: ``ProfileError`` naming the innermost module whose call threw.
  public func profile(_ model: Module, input: Tensor, name: String = "model") throws(ProfileError) -> Profile
  {
    let costs = EagerCosts(model, example: input, name: name)
    let recorder = ModuleCallRecorder(root: model)
    var runDurations: [Double] = []
    var memory = MemoryPeak(bytes: 0, source: .measuredAllocations)
    try eagerRun(recorder: recorder) {
      try model.withEvaluationMode {
        try withNoGrad {
          for _ in 0..<warmup { _ = try model(input) }
          for _ in 0..<runs {
            let counter = TensorAllocationCounter()
            recorder.beginRun()
            let start = monotonicSeconds()
            _ = try counter.withCounting { try model(input) }
            runDurations.append(monotonicSeconds() - start)
            memory.record(counter)
          }
        }
      }
    }
    return Profile(
      engine: .eager, model: name, nodes: costs.nodes(for: recorder.calls), runDurations: runDurations,
      warmup: warmup, parameterCount: model.parameterCount, parameterBytes: model.parameterCount * 4,
      totalFLOPs: costs.forwardFLOPs, memory: memory, notes: costs.notes)
  }

  /// Profiles one eager training step: the forward pass and `loss(model(input), target)`, then
  /// `backward()`, then `optimizer.step()` (gradients are cleared first, untimed), in the model's
  /// current mode. Reports each module call of the forward pass, the three phases' times (the
  /// forward vs backward split), and the peak of tensor storage over the whole step, gradients
  /// included.
  ///
  /// FLOPs: the forward phase counts the model's graph (the loss is not counted), the backward
  /// phase ``TTIR/GraphAnalysis/backwardFLOPs(of:trainable:)`` with the model's parameters as the
  /// trainable weights, the optimizer phase none.
  ///
  /// - Throws: ``ProfileError`` naming the module that threw, or the phase.
  public func profileTrainingStep(
    _ model: Module, input: Tensor, target: Tensor, loss: (Tensor, Tensor) throws -> Tensor,
    optimizer: Optimizer, name: String = "model"
  ) throws(ProfileError) -> Profile {
    let costs = EagerCosts(model, example: input, name: name)
    let recorder = ModuleCallRecorder(root: model)
    var phases = [
      ProfiledPhase(name: "forward", durations: [], flops: costs.forwardFLOPs),
      ProfiledPhase(name: "backward", durations: [], flops: costs.backwardFLOPs),
      ProfiledPhase(name: "optimizer", durations: [], flops: 0),
    ]
    var runDurations: [Double] = []
    var memory = MemoryPeak(bytes: 0, source: .measuredAllocations)
    func step(timed: Bool) throws {
      optimizer.zeroGrad()
      let counter = TensorAllocationCounter()
      if timed { recorder.beginRun() }
      var marks = [monotonicSeconds()]
      try counter.withCounting {
        let value = try loss(model(input), target)
        marks.append(monotonicSeconds())
        try value.backward()
        marks.append(monotonicSeconds())
        try optimizer.step()
        marks.append(monotonicSeconds())
      }
      guard timed else { return }
      for index in phases.indices { phases[index].durations.append(marks[index + 1] - marks[index]) }
      runDurations.append(marks[3] - marks[0])
      memory.record(counter)
    }
    try eagerRun(recorder: recorder) {
      for _ in 0..<warmup { try step(timed: false) }
      for _ in 0..<runs { try step(timed: true) }
    }
    return Profile(
      engine: .eager, model: name, nodes: costs.nodes(for: recorder.calls), runDurations: runDurations,
      warmup: warmup, phases: phases, parameterCount: model.parameterCount,
      parameterBytes: model.parameterCount * 4, totalFLOPs: costs.trainingFLOPs,
      memory: memory, notes: costs.notes)
  }

  /// Runs `body` with `recorder` watching every module call, turning an error into a
  /// ``ProfileError`` that names the innermost module that threw.
  func eagerRun(recorder: ModuleCallRecorder, unit: ProfileError.Unit = .module, _ body: () throws -> Void)
    throws(ProfileError)
  {
    do {
      try ModuleCallObservation.$current.withValue(recorder) { try body() }
    } catch {
      guard let failure = recorder.failure else { throw ProfileError(engine: .eager, "\(error)") }
      throw ProfileError(
        engine: .eager, location: failure.path.isEmpty ? "(model)" : failure.path,
        kind: failure.kind, unit: unit, "\(failure.error)")
    }
  }
}

extension MemoryPeak {
  /// Keeps the larger of this peak and `counter`'s.
  mutating func record(_ counter: TensorAllocationCounter) {
    if counter.peakBytes >= bytes {
      bytes = counter.peakBytes
      buffers = counter.peakBuffers
    }
    totalAllocatedBytes = max(totalAllocatedBytes, counter.allocatedBytes)
  }
}
