// Milestone 1986: Rumelhart, Hinton & Williams' backpropagation. A 64 → 128 → 10 ReLU MLP
// trained with Adam classifies the tinydigits 8×8 digits.
//
// `--bench` also times single training steps (batch 32: forward, cross-entropy, backward,
// Adam step) and reports their median; compare with Benchmarks/numpy_mlp_step.py.
import Foundation
import MilestoneSupport
import TinyTorch

/// Times `iterations` training steps on one fixed batch after `warmUp` untimed ones.
/// Returns the per-step times in seconds, sorted.
func stepTimes(digits: TinyDigits, warmUp: Int, iterations: Int) throws -> [Double] {
  let model = DigitMLP(seed: 1)
  let adam = Adam(model.parameters(), learningRate: 1e-3)
  let batch = try digits.train.batch(at: Array(0..<32))
  let (x, y) = (batch[0], batch[1])
  func step() throws {
    adam.zeroGrad()
    let loss = try Loss.crossEntropy(model(x), y)
    try loss.backward()
    try adam.step()
  }
  for _ in 0..<warmUp { try step() }
  var times: [Double] = []
  times.reserveCapacity(iterations)
  for _ in 0..<iterations { times.append(try timed(step).1) }
  return times.sorted()
}

runMilestone {
  let arguments = try Arguments(
    program: "mlp-1986",
    flags: ["bench": "also time single training steps (use a release build)"],
    options: [
      "data": dataOptionHelp(holding: "tinydigits/"),
      "epochs": "N  training epochs (default 20)", "seed": "N  weight and shuffle seed (default 1986)",
      "iterations": "N  timed steps for --bench (default 5000)",
      "export": "DIR  trace the trained model into DIR (digits-mlp.json, .safetensors, -input.npy)",
    ])
  let epochs = try arguments.integer("epochs", default: 20)
  let seed = UInt64(try arguments.integer("seed", default: 1986))
  let digits = try TinyDigits(dataOption: arguments.options["data"])

  let model = DigitMLP(seed: seed)
  let trainer = Trainer(
    model: model, optimizer: Adam(model.parameters(), learningRate: 2e-3), loss: Loss.crossEntropy)
  let train = try DataLoader(digits.train, batchSize: 32, shuffle: true, seed: seed)
  let test = try DataLoader(digits.test, batchSize: 200)
  print(
    "MLP (1986): tinydigits \(digits.train.count) train / \(digits.test.count) test, 64 → 128 ReLU → 10, "
      + "\(model.parameterCount) parameters, Adam lr 0.002, batch 32")
  trainer.onEpochEnd = { print($0) }
  let (_, seconds) = try timed { try trainer.fit(train, epochs: epochs, validation: test) }
  let result = try trainer.evaluate(test)
  let accuracy = Double(result.accuracy!)
  let passed = accuracy >= 0.95
  print(passed ? "PASS: test accuracy ≥ 95%" : "FAIL: test accuracy below 95%")
  if let directory = arguments.options["export"] {
    let example = try digits.test.batch(at: Array(0..<32))[0]
    try exportModel(model, example: example, name: "digits-mlp", to: directory)
  }

  var metrics: [(String, MetricValue)] = [
    ("milestone", .string("1986-mlp")), ("test_accuracy", .double(rounded(accuracy, 4))),
    ("test_loss", .double(rounded(Double(result.loss), 5))), ("epochs", .int(epochs)),
    ("train_seconds", .double(rounded(seconds, 3))),
  ]
  if arguments.has("bench") {
    let iterations = try arguments.integer("iterations", default: 5000)
    guard iterations > 0 else { throw MilestoneError("--iterations must be positive") }
    let times = try stepTimes(digits: digits, warmUp: 500, iterations: iterations)
    func microseconds(_ q: Double) -> Double { rounded(times[Int(q * Double(times.count - 1))] * 1e6, 2) }
    print(
      "bench: training step (64→128→10, batch 32, forward + CE + backward + Adam), \(iterations) steps "
        + "after 500 warm-up: median \(microseconds(0.5)) µs, p10 \(microseconds(0.1)) µs, "
        + "p90 \(microseconds(0.9)) µs")
    metrics += [
      ("step_median_us", .double(microseconds(0.5))), ("step_p10_us", .double(microseconds(0.1))),
      ("step_p90_us", .double(microseconds(0.9))),
    ]
  }
  metrics.append(("passed", .bool(passed)))
  print(metricsLine(metrics))
  return passed
}
