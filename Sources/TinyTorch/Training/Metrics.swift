/// How a classifier's predictions are compared with its targets.
public enum AccuracyMetric: Sendable {
  /// Outputs `[N, C]` (logits or probabilities) against class indices `[N]`: the predicted
  /// class is the arg-max.
  case argmax
  /// Outputs against 0/1 targets of the same shape: the prediction is 1 where the output
  /// exceeds the threshold (0.5 for probabilities, 0 for logits).
  case threshold(Float)

  /// The number of correct predictions in a batch.
  ///
  /// - Throws: when the shapes do not fit the metric.
  public func correctCount(_ output: Tensor, _ target: Tensor) throws -> Int {
    switch self {
    case .argmax:
      let predicted = try output.argmax(axis: -1)
      guard predicted.shape == target.shape else {
        throw TensorError.invalidArgument(
          "accuracy: arg-max of output \(output.shape) does not match targets \(target.shape)")
      }
      return zip(predicted.scalars, target.scalars).filter { $0 == $1 }.count
    case .threshold(let threshold):
      guard output.shape == target.shape else {
        throw TensorError.shapeMismatch(op: "accuracy", output.shape, target.shape)
      }
      return zip(output.scalars, target.scalars).filter { ($0 > threshold) == ($1 > 0.5) }.count
    }
  }
}

/// Loss and accuracy of a model over a whole data set.
public struct Evaluation: Sendable, CustomStringConvertible {
  /// The mean loss per example.
  public let loss: Float
  /// The fraction of correct predictions, when an accuracy metric is set.
  public let accuracy: Float?
  /// The number of examples seen.
  public let examples: Int

  public var description: String {
    "loss \(formatted(loss, 4))" + (accuracy.map { ", accuracy \(formatted(100 * $0, 2))%" } ?? "")
  }
}

/// The summary of one training epoch.
public struct EpochReport: Sendable, CustomStringConvertible {
  /// The epoch's index (0-based; printed 1-based).
  public let epoch: Int
  /// The learning rate used throughout the epoch.
  public let learningRate: Float
  /// Training loss and accuracy, averaged over the epoch's examples.
  public let training: Evaluation
  /// The wall-clock duration of the epoch in seconds (training only).
  public let seconds: Double
  /// Results on held-out data, when the trainer was given some.
  public var validation: Evaluation?

  /// Training throughput.
  public var examplesPerSecond: Double { Double(training.examples) / Swift.max(seconds, 1e-9) }

  public var description: String {
    var line = "epoch \(epoch + 1): train \(training)"
    if let validation { line += " | validation \(validation)" }
    return line + " | lr \(learningRate) | \(Int(examplesPerSecond.rounded())) samples/s"
  }
}

/// `value` with `digits` decimals.
func formatted(_ value: Float, _ digits: Int) -> String {
  var scale: Float = 1
  for _ in 0..<digits { scale *= 10 }
  let rounded = (value * scale).rounded() / scale
  var text = String(rounded)
  if let dot = text.firstIndex(of: "."), !text.contains("e") {
    let decimals = text.distance(from: dot, to: text.endIndex) - 1
    text += String(repeating: "0", count: Swift.max(0, digits - decimals))
  }
  return text
}
