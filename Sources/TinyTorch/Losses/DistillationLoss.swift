/// Knowledge distillation (Hinton, Vinyals & Dean, 2015): the loss that trains a small `student`
/// to match a trained `teacher`'s softened predictions as well as the true labels,
///
///     α · T² · KL(softmax(teacher / T) ‖ softmax(student / T)) + (1 − α) · CE(student, labels)
///
/// with the KL divergence summed over classes and averaged over the batch. `T > 1` softens both
/// distributions, so the student also learns how the teacher ranks the wrong classes; the `T²`
/// factor keeps the soft term's gradients as large as the hard term's whatever `T` is (they
/// shrink as `1/T²` otherwise). The teacher is a constant: no gradient flows into it.
///
/// ```swift
/// let loss = try distillationLoss(
///   student: student(x), teacher: withNoGrad { try teacher(x) }, labels: y, temperature: 4, alpha: 0.7)
/// ```
///
/// - Parameters:
///   - student: the student's logits `[N, C]`.
///   - teacher: the teacher's logits `[N, C]` (detached here).
///   - labels: class indices `[N]`, as for ``Loss/crossEntropy(_:_:)-(Tensor,Tensor)``.
///   - temperature: `T > 0`.
///   - alpha: the weight `α ∈ [0, 1]` of the soft term (`0`: plain cross-entropy; `1`: teacher
///     only).
/// - Returns: the scalar loss, differentiable with respect to `student`.
/// - Throws: `TensorError` for logits of different or non-matrix shapes, bad labels, a
///   temperature that is not positive or an `alpha` outside `[0, 1]`.
public func distillationLoss(
  student: Tensor, teacher: Tensor, labels: Tensor, temperature: Float, alpha: Float
) throws -> Tensor {
  guard student.rank == 2, student.shape == teacher.shape else {
    throw TensorError.invalidArgument(
      "distillationLoss: student \(student.shape) and teacher \(teacher.shape) must both be logits [N, C]")
  }
  guard temperature > 0, temperature.isFinite else {
    throw TensorError.invalidArgument("distillationLoss: temperature must be positive, got \(temperature)")
  }
  guard (0...1).contains(alpha) else {
    throw TensorError.invalidArgument("distillationLoss: alpha must be in [0, 1], got \(alpha)")
  }
  let hard = try Loss.crossEntropy(student, labels)
  guard alpha > 0 else { return hard }
  let teacherLog = try (teacher.detached() / temperature).logSoftmax(axis: -1)
  let teacherProbabilities = teacherLog.exp()
  let studentLog = try (student / temperature).logSoftmax(axis: -1)
  // KL(p ‖ q) = Σ p (log p − log q), summed over classes, averaged over the batch.
  let divergence = try (teacherProbabilities * (teacherLog - studentLog)).sum() / Float(student.shape[0])
  let soft = divergence * (alpha * temperature * temperature)
  return alpha == 1 ? soft : try soft + hard * (1 - alpha)
}
