// Milestone 1998: LeCun et al.'s convolutional network, LeNet-style, on the tinydigits 8×8 digits.
//
// conv(1→8, 3×3, pad 1) → ReLU → maxpool 2 → conv(8→16, 3×3, pad 1) → ReLU → maxpool 2
// → flatten (64) → linear 64→32 → ReLU → linear 32→10, trained with Adam (cosine schedule) on
// 1000 images and tested on 200, once per seed. Also times forward + backward of the two
// convolutions alone. Run: `swift run -c release cnn-1998`.
import Foundation
import MilestoneSupport
import TinyTorch

/// The Euclidean distance between two equally long value arrays.
func distance(_ a: [Float], _ b: [Float]) -> Double {
  zip(a, b).reduce(0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) }.squareRoot()
}

/// Samples per second of forward + backward (input, weight and bias gradients) through both
/// convolution layers of `model`, at `batchSize`.
func convolutionThroughput(_ model: LeNet, images: Tensor, batchSize: Int, iterations: Int) throws -> Double {
  let input = try images.slice(axis: 0, start: 0, end: batchSize)
  let hidden = Tensor.randn([batchSize, 8, 4, 4], seed: 0, requiresGrad: true)
  let (_, seconds) = try timed {
    for _ in 0..<iterations {
      for (conv, x) in [(model.conv1, input), (model.conv2, hidden)] {
        let y = try conv(x)
        try y.backward(seed: Tensor.ones(y.shape))
      }
    }
  }
  return Double(iterations * batchSize) / seconds
}

runMilestone {
  let arguments = try Arguments(
    program: "cnn-1998",
    options: [
      "data": dataOptionHelp(holding: "tinydigits/"),
      "epochs": "N  training epochs per seed (default 20)",
      "export": "DIR  save the first seed's trained model as DIR/lenet.json for ttc",
    ])
  let epochs = try arguments.integer("epochs", default: 20)
  guard epochs > 0 else { throw MilestoneError("--epochs must be positive") }
  let digits = try TinyDigits(dataOption: arguments.options["data"], flatten: false)
  let seeds: [UInt64] = [1, 2, 3]
  let batchSize = 32
  let learningRate: Float = 0.01
  print(
    "CNN (1998): tinydigits \(digits.train.count) train / \(digits.test.count) test, "
      + "1×8×8 → conv 8 → pool → conv 16 → pool → 64 → 32 → 10, Adam lr \(learningRate) (cosine), batch \(batchSize), "
      + "\(epochs) epochs × \(seeds.count) seeds")

  var accuracies: [Double] = []
  var trainSeconds = 0.0
  var trainSamples = 0
  for seed in seeds {
    let model = LeNet(seed: seed)
    let initialConv1 = model.conv1.weight.scalars
    let trainer = Trainer(
      model: model, optimizer: Adam(model.parameters(), learningRate: learningRate), loss: Loss.crossEntropy,
      schedule: CosineSchedule(maxLearningRate: learningRate, totalEpochs: epochs))
    trainer.onEpochEnd = { print("  seed \(seed) \($0)") }
    let train = try DataLoader(digits.train, batchSize: batchSize, shuffle: true, seed: seed)
    let test = try DataLoader(digits.test, batchSize: digits.test.count)
    print("seed \(seed): \(model.parameterCount) parameters")
    let reports = try trainer.fit(train, epochs: epochs, validation: test)
    trainSeconds += reports.reduce(0) { $0 + $1.seconds }
    trainSamples += reports.reduce(0) { $0 + $1.training.examples }
    let accuracy = Double(try trainer.evaluate(test).accuracy!)
    accuracies.append(accuracy)
    if let directory = arguments.options["export"], seed == seeds[0] {
      let example = try digits.test.tensors[0].slice(axis: 0, start: 0, end: 1)
      try exportModel(model, example: example, name: "lenet", to: directory)
    }
    let moved = distance(initialConv1, model.conv1.weight.scalars)
    let norm = distance(initialConv1, [Float](repeating: 0, count: initialConv1.count))
    print(
      "seed \(seed): test accuracy \(rounded(100 * accuracy, 2))%; conv1 weights changed by L2 "
        + "\(rounded(moved, 4)) (initial norm \(rounded(norm, 4)))")
  }

  let mean = accuracies.reduce(0, +) / Double(accuracies.count)
  let samplesPerSecond = Double(trainSamples) / trainSeconds
  let convThroughput = try convolutionThroughput(
    LeNet(seed: 0), images: digits.train.tensors[0], batchSize: batchSize, iterations: 500)
  let passed = mean >= 0.96
  print(
    "mean test accuracy \(rounded(100 * mean, 2))% over seeds \(seeds); "
      + "training \(rounded(trainSeconds, 2)) s for \(trainSamples) samples (\(Int(samplesPerSecond.rounded())) samples/s)"
  )
  print(
    "bench: conv2d forward + backward (conv1 + conv2, batch \(batchSize)): "
      + "\(Int(convThroughput.rounded())) samples/s")
  print(passed ? "PASS: mean test accuracy ≥ 96%" : "FAIL: mean test accuracy below 96%")
  print(
    metricsLine([
      ("milestone", .string("1998-cnn")), ("mean_test_accuracy", .double(rounded(mean, 4))),
      ("seeds", .array(seeds.map { .int(Int($0)) })),
      ("accuracies", .array(accuracies.map { .double(rounded($0, 4)) })),
      ("epochs", .int(epochs)), ("train_seconds", .double(rounded(trainSeconds, 3))),
      ("samples_per_second", .double(rounded(samplesPerSecond, 1))),
      ("conv_forward_backward_samples_per_second", .double(rounded(convThroughput, 1))),
      ("passed", .bool(passed)),
    ]))
  return passed
}
