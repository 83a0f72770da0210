// Milestone 1957: Rosenblatt's perceptron. A single linear unit with a sigmoid learns to
// separate two classes of 2-D points that a line can split.
import MilestoneSupport
import TinyTorch

runMilestone {
  let arguments = try Arguments(
    program: "perceptron-1957",
    options: [
      "epochs": "N  training epochs (default 30)", "seed": "N  data and weight seed (default 1957)",
      "export": "DIR  trace the trained perceptron into DIR (perceptron.json, .safetensors, -input.npy)",
    ])
  let epochs = try arguments.integer("epochs", default: 30)
  let seed = UInt64(try arguments.integer("seed", default: 1957))

  // 400 points uniform in [-1, 1]², labelled by the side of the line 0.8x − 0.6y + 0.1 = 0;
  // points closer than 0.05 to the line are redrawn, so the classes are separable with a margin.
  var generator = RandomGenerator(seed: seed)
  var points: [Float] = []
  var labels: [Float] = []
  while labels.count < 400 {
    let (x, y) = (2 * generator.nextUniform() - 1, 2 * generator.nextUniform() - 1)
    let side = 0.8 * x - 0.6 * y + 0.1
    if abs(side) < 0.05 { continue }
    points += [x, y]
    labels.append(side > 0 ? 1 : 0)
  }
  let data = try TensorDataset(
    Tensor(shape: [400, 2], scalars: points), Tensor(shape: [400, 1], scalars: labels))
  let loader = try DataLoader(data, batchSize: 20, shuffle: true, seed: seed)

  let perceptron = Linear(2, 1, seed: seed)
  let trainer = Trainer(
    model: perceptron, optimizer: SGD(perceptron.parameters(), learningRate: 0.5),
    loss: Loss.binaryCrossEntropyWithLogits, accuracy: .threshold(0))
  print("Perceptron (1957): 1 linear unit + sigmoid, 400 separable 2-D points, SGD lr 0.5, batch 20")
  trainer.onEpochEnd = { print($0) }
  let (reports, seconds) = try timed { try trainer.fit(loader, epochs: epochs) }
  let accuracy = Double(try trainer.evaluate(loader).accuracy!)
  let (w, b) = (perceptron.weight.scalars, perceptron.bias!.item)
  print("learned boundary: \(w[0])·x + \(w[1])·y + \(b) = 0  (true: 0.8x − 0.6y + 0.1 = 0, up to scale)")
  let passed = accuracy >= 0.98
  print(passed ? "PASS: train accuracy ≥ 98%" : "FAIL: train accuracy below 98%")
  if let directory = arguments.options["export"] {
    let example = try data.batch(at: Array(0..<8))[0]
    try exportModel(perceptron, example: example, name: "perceptron", to: directory)
  }
  print(
    metricsLine([
      ("milestone", .string("1957-perceptron")), ("train_accuracy", .double(rounded(accuracy, 4))),
      ("final_loss", .double(rounded(Double(reports.last?.training.loss ?? .nan), 5))),
      ("epochs", .int(epochs)), ("train_seconds", .double(rounded(seconds, 3))), ("passed", .bool(passed)),
    ]))
  return passed
}
