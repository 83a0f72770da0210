import TinyTorch

/// Trains `student` to imitate `teacher` on `train` with ``TinyTorch/distillationLoss(student:teacher:labels:temperature:alpha:)``
/// (Adam with a cosine schedule, one step per batch); the teacher runs in evaluation mode
/// without gradients. Returns the mean loss of each epoch.
///
/// - Parameters:
///   - temperature: softens both distributions (Hinton et al. use 2–20).
///   - alpha: the weight of the teacher's soft targets against the labels.
@discardableResult
public func distill(
  student: Module, teacher: Module, train: DataLoader, epochs: Int, learningRate: Float,
  temperature: Float = 4, alpha: Float = 0.7
) throws -> [Double] {
  let optimizer = Adam(student.parameters(), learningRate: learningRate)
  let schedule = CosineSchedule(maxLearningRate: learningRate, totalEpochs: epochs)
  var losses: [Double] = []
  student.train()
  try teacher.withEvaluationMode {
    for epoch in 0..<epochs {
      optimizer.learningRate = schedule.learningRate(epoch: epoch)
      var (total, batches) = (0.0, 0)
      for batch in train {
        let (x, labels) = (batch[0], batch[1])
        let soft = try withNoGrad { try teacher(x) }
        optimizer.zeroGrad()
        let loss = try distillationLoss(
          student: student(x), teacher: soft, labels: labels, temperature: temperature, alpha: alpha)
        try loss.backward()
        try optimizer.step()
        total += Double(loss.item)
        batches += 1
      }
      losses.append(total / Double(max(batches, 1)))
    }
  }
  student.eval()
  return losses
}
