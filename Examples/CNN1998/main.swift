// Milestone 1998: a LeNet-style convolutional network on tinydigits (8×8 grey digits).
//
// conv(1→8, 3×3, pad 1) → ReLU → maxpool 2 → conv(8→16, 3×3, pad 1) → ReLU → maxpool 2
// → flatten (64) → linear 64→32 → ReLU → linear 32→10, trained with Adam on 1000 images and
// evaluated on 200, for three seeds. Run: `swift run -c release cnn-1998`.
import Foundation
import TinyTorch

// MARK: - Temporary stand-ins until the foundation branch (optimizers, npy reader) is merged.

/// Adam with bias correction (same update as `torch.optim.Adam`).
final class Adam {
  let parameters: [Tensor]
  let learningRate: Float
  let beta1: Float = 0.9
  let beta2: Float = 0.999
  let epsilon: Float = 1e-8
  var stepCount = 0
  var first: [[Float]]
  var second: [[Float]]

  init(_ parameters: [Tensor], learningRate: Float) {
    self.parameters = parameters
    self.learningRate = learningRate
    first = parameters.map { [Float](repeating: 0, count: $0.count) }
    second = first
  }

  func zeroGrad() { parameters.forEach { $0.zeroGrad() } }

  func step() {
    stepCount += 1
    let c1 = 1 - Float(Foundation.pow(Double(beta1), Double(stepCount)))
    let c2 = 1 - Float(Foundation.pow(Double(beta2), Double(stepCount)))
    for (index, p) in parameters.enumerated() {
      guard let g = p.grad?.scalars else { continue }
      p.updateScalars { v in
        for i in v.indices {
          first[index][i] = beta1 * first[index][i] + (1 - beta1) * g[i]
          second[index][i] = beta2 * second[index][i] + (1 - beta2) * g[i] * g[i]
          v[i] -= learningRate * (first[index][i] / c1) / ((second[index][i] / c2).squareRoot() + epsilon)
        }
      }
    }
  }
}

/// Reads a little-endian f32 or i64 `.npy` file as floats.
func loadNumpy(_ url: URL) throws -> Tensor {
  let data = try Data(contentsOf: url)
  let headerLength = Int(data[8]) | Int(data[9]) << 8
  let header = String(decoding: data[10..<(10 + headerLength)], as: UTF8.self)
  let shapeText = header.split(separator: "(")[1].split(separator: ")")[0]
  let shape = shapeText.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
  let body = data[(10 + headerLength)...]
  let values: [Float]
  if header.contains("<f4") {
    values = body.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
  } else {
    values = body.withUnsafeBytes { $0.bindMemory(to: Int64.self).map { Float($0) } }
  }
  return try Tensor(shape: shape, scalars: values)
}

// MARK: - Milestone

final class LeNet: Module {
  let conv1: Conv2d
  let conv2: Conv2d
  let fc1: Linear
  let fc2: Linear
  let pool = MaxPool2d(2)

  init(seed: UInt64) throws {
    conv1 = try Conv2d(1, 8, kernelSize: 3, padding: 1, seed: seed)
    conv2 = try Conv2d(8, 16, kernelSize: 3, padding: 1, seed: seed + 1)
    fc1 = Linear(64, 32, seed: seed + 2)
    fc2 = Linear(32, 10, seed: seed + 3)
    super.init()
  }

  override func forward(_ x: Tensor) throws -> Tensor {
    var h = try pool(conv1(x).relu())  // [N, 8, 4, 4]
    h = try pool(conv2(h).relu())  // [N, 16, 2, 2]
    return try fc2(fc1(h.flattened(startAxis: 1)).relu())
  }
}

func accuracy(_ model: Module, _ images: Tensor, _ labels: Tensor) throws -> Float {
  let predictions = try withNoGrad { try model(images).argmax(axis: 1) }
  let correct = zip(predictions.scalars, labels.scalars).filter { $0 == $1 }.count
  return Float(correct) / Float(labels.count)
}

func l2Distance(_ a: [Float], _ b: [Float]) -> Float {
  zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
}

let dataDirectory = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  .appendingPathComponent("Data/tinydigits")
let trainImages = try loadNumpy(dataDirectory.appendingPathComponent("train_images.npy")).reshaped([
  -1, 1, 8, 8,
])
let trainLabels = try loadNumpy(dataDirectory.appendingPathComponent("train_labels.npy"))
let testImages = try loadNumpy(dataDirectory.appendingPathComponent("test_images.npy")).reshaped([
  -1, 1, 8, 8,
])
let testLabels = try loadNumpy(dataDirectory.appendingPathComponent("test_labels.npy"))

let seeds: [UInt64] = [1, 2, 3]
let epochs = 20
let batchSize = 32
let trainCount = trainImages.shape[0]
print("1998 CNN (LeNet-style) on tinydigits: \(trainCount) train / \(testImages.shape[0]) test images, 8×8")

var accuracies: [Float] = []
var trainSeconds = 0.0
var samplesSeen = 0
for seed in seeds {
  let model = try LeNet(seed: seed)
  let optimizer = Adam(model.parameters(), learningRate: 0.01)
  let initialConv1 = model.conv1.weight.scalars
  print("seed \(seed): \(model.parameterCount) parameters")
  var generator = RandomGenerator(seed: seed)
  for epoch in 1...epochs {
    let start = Date()
    var order = Array(0..<trainCount)
    for i in stride(from: trainCount - 1, to: 0, by: -1) {
      order.swapAt(i, Int(generator.nextUniform() * Float(i + 1)) % (i + 1))
    }
    var lossSum: Float = 0
    var batches = 0
    model.train()
    for first in stride(from: 0, to: trainCount, by: batchSize) {
      let rows = Array(order[first..<min(first + batchSize, trainCount)])
      let x = try trainImages.rows(rows)
      let y = try trainLabels.rows(rows)
      optimizer.zeroGrad()
      let loss = try Loss.crossEntropy(model(x), y)
      try loss.backward()
      optimizer.step()
      lossSum += loss.item
      batches += 1
    }
    trainSeconds += Date().timeIntervalSince(start)
    samplesSeen += trainCount
    model.eval()
    let test = try accuracy(model, testImages, testLabels)
    let line = String(
      format: "  epoch %2d  loss %.4f  test accuracy %.1f%%", epoch, lossSum / Float(batches), test * 100)
    print(line)
  }
  let accuracy = try accuracy(model, testImages, testLabels)
  accuracies.append(accuracy)
  let change = l2Distance(initialConv1, model.conv1.weight.scalars)
  print(
    String(
      format: "seed %d: test accuracy %.2f%%, conv1 weights moved by L2 %.4f (initial norm %.4f)", Int(seed),
      accuracy * 100, change, l2Distance(initialConv1, [Float](repeating: 0, count: initialConv1.count))))
}

let mean = accuracies.reduce(0, +) / Float(accuracies.count)
let samplesPerSecond = Double(samplesSeen) / trainSeconds
print(String(format: "mean test accuracy %.2f%% over %d seeds", mean * 100, seeds.count))
print(
  String(
    format: "training: %.2f s for %d samples (%.0f samples/s)", trainSeconds, samplesSeen, samplesPerSecond))

// Benchmark: forward + backward (input, weight and bias gradients) of the two convolutions
// alone, at the training batch size.
let benchModel = try LeNet(seed: 0)
let benchInput = try trainImages.slice(axis: 0, start: 0, end: batchSize)
let benchHidden = Tensor.randn([batchSize, 8, 4, 4], seed: 0, requiresGrad: true)
let benchIterations = 500
let benchStart = Date()
for _ in 0..<benchIterations {
  for (conv, input) in [(benchModel.conv1, benchInput), (benchModel.conv2, benchHidden)] {
    let y = try conv(input)
    try y.backward(seed: Tensor.ones(y.shape))
  }
}
let convSamplesPerSecond = Double(benchIterations * batchSize) / Date().timeIntervalSince(benchStart)
print(
  String(
    format: "conv2d forward+backward (conv1 + conv2, batch %d): %.0f samples/s", batchSize,
    convSamplesPerSecond))

let metrics: [String: Any] = [
  "conv_forward_backward_samples_per_second": convSamplesPerSecond,
  "milestone": "1998-cnn", "mean_test_accuracy": Double(mean), "seeds": seeds.map { Int($0) },
  "accuracies": accuracies.map { Double($0) }, "train_seconds": trainSeconds,
  "samples_per_second": samplesPerSecond,
]
let json = try JSONSerialization.data(withJSONObject: metrics, options: [.sortedKeys])
print(String(decoding: json, as: UTF8.self))
