// Milestone 1969: Minsky & Papert's XOR problem. A single linear unit cannot separate XOR
// (at best 3 of the 4 corners, 75%); one hidden layer solves it.
import MilestoneSupport
import TinyTorch

runMilestone {
  let arguments = try Arguments(
    program: "xor-1969",
    options: [
      "epochs": "N  epochs per model (default 200)", "hidden": "N  hidden units, ≥ 2 (default 4)",
      "seed": "N  data and weight seed (default 1969)",
      "export": "DIR  trace the trained MLP into DIR (xor-mlp.json, .safetensors, -input.npy)",
    ])
  let epochs = try arguments.integer("epochs", default: 200)
  let hiddenUnits = try arguments.integer("hidden", default: 4)
  let seed = UInt64(try arguments.integer("seed", default: 1969))
  guard hiddenUnits >= 2 else { throw MilestoneError("--hidden must be at least 2") }

  // 25 noisy copies of each XOR corner (noise σ = 0.05).
  var generator = RandomGenerator(seed: seed)
  var points: [Float] = []
  var labels: [Float] = []
  for i in 0..<100 {
    let (a, b) = (Float(i % 2), Float((i / 2) % 2))
    points += [a + 0.05 * generator.nextNormal(), b + 0.05 * generator.nextNormal()]
    labels.append(a == b ? 0 : 1)
  }
  let data = try TensorDataset(
    Tensor(shape: [100, 2], scalars: points), Tensor(shape: [100, 1], scalars: labels))
  let loader = try DataLoader(data, batchSize: 10, shuffle: true, seed: seed)

  func train(_ name: String, _ model: Module) throws -> (accuracy: Double, loss: Float, seconds: Double) {
    print("\(name): Adam lr 0.05, batch 10, \(epochs) epochs (progress every 20 epochs)")
    let trainer = Trainer(
      model: model, optimizer: Adam(model.parameters(), learningRate: 0.05),
      loss: Loss.binaryCrossEntropyWithLogits, accuracy: .threshold(0))
    trainer.onEpochEnd = { if ($0.epoch + 1) % 20 == 0 { print("  \($0)") } }
    let (_, seconds) = try timed { try trainer.fit(loader, epochs: epochs) }
    let result = try trainer.evaluate(loader)
    print("  → accuracy \(Double(result.accuracy!) * 100)%, loss \(result.loss)")
    return (Double(result.accuracy!), result.loss, seconds)
  }

  print("XOR (1969): 100 noisy points at the 4 corners, labels a XOR b")
  let single = try train("single-layer perceptron (2 → 1)", Linear(2, 1, seed: seed))
  let network = XORNet(hiddenUnits: hiddenUnits, seed: seed)
  let mlp = try train("MLP (2 → \(hiddenUnits) tanh → 1)", network)
  let passed = single.accuracy <= 0.75 && mlp.accuracy == 1
  print(
    passed
      ? "PASS: the perceptron is stuck at ≤ 75%, the hidden layer reaches 100%"
      : "FAIL: expected perceptron ≤ 75% and MLP 100%")
  if let directory = arguments.options["export"] {
    let corners = Tensor([[0, 0], [0, 1], [1, 0], [1, 1]])
    try exportModel(network, example: corners, name: "xor-mlp", to: directory)
  }
  print(
    metricsLine([
      ("milestone", .string("1969-xor")), ("perceptron_accuracy", .double(rounded(single.accuracy, 4))),
      ("mlp_accuracy", .double(rounded(mlp.accuracy, 4))), ("mlp_hidden_units", .int(hiddenUnits)),
      ("mlp_final_loss", .double(rounded(Double(mlp.loss), 5))), ("epochs", .int(epochs)),
      ("train_seconds", .double(rounded(single.seconds + mlp.seconds, 3))), ("passed", .bool(passed)),
    ]))
  return passed
}
