// Milestone "attention-2017": a small transformer learns to reverse random token sequences
// (Vaswani et al. 2017). Every output position must find the mirrored input position, which
// only attention (with position information) can do. Success: exact-sequence accuracy ≥ 95%
// on held-out sequences.
import Foundation
import TinyTorch

/// Prints a line and flushes it at once, so progress shows when the output is a pipe.
func say(_ line: String) {
  print(line)
  fflush(nil)
}

let sequenceLength = 8
let vocabularySize = 24
let trainCount = 4000
let testCount = 500
let seed: UInt64 = 2017

/// An encoder (bidirectional) transformer that labels every input position.
final class Reverser: Module {
  let tokens = Embedding(vocabularySize: vocabularySize, dimension: 64, std: 0.1, seed: seed)
  let positions = PositionalEmbedding(maxLength: sequenceLength, dimension: 64, std: 0.1, seed: seed + 1)
  let blocks = (0..<2).map { i in
    try! TransformerBlock(dimension: 64, headCount: 4, hiddenDimension: 128, seed: seed + 10 * UInt64(i + 1))
  }
  let norm = LayerNorm(64)
  let head = Linear(64, vocabularySize, initialization: .xavierUniform, seed: seed + 2)

  override func forward(_ ids: Tensor) throws -> Tensor {
    var x = try positions(tokens(ids))
    for block in blocks { x = try block(x) }
    return try head(norm(x))
  }
}

var rng = RandomGenerator(seed: seed)
@MainActor func randomSequence() -> [Int] { (0..<sequenceLength).map { _ in Int(rng.next() % UInt64(vocabularySize)) } }
let train = (0..<trainCount).map { _ in randomSequence() }
let trainSet = Set(train)
var test: [[Int]] = []
while test.count < testCount {
  let s = randomSequence()
  if !trainSet.contains(s) { test.append(s) }  // held out: never seen in training
}

let model = Reverser()
let optimizer = LocalAdam(model.parameters(), learningRate: 2e-3)
say("attention-2017: reverse sequences of \(sequenceLength) tokens (vocabulary \(vocabularySize))")
say("model: 2 encoder blocks, width 64, 4 heads, \(model.parameterCount) parameters")
say("data: \(trainCount) training sequences, \(testCount) held-out test sequences")

@MainActor func accuracy(_ data: [[Int]]) throws -> (sequence: Double, token: Double) {
  model.eval()
  defer { model.train() }
  let logits = try withNoGrad { try model(Tensor.tokenIDs(data)) }
  let predicted = try logits.argmax(axis: -1).scalars.map { Int($0) }
  var exact = 0
  var tokens = 0
  for (n, s) in data.enumerated() {
    let guess = Array(predicted[n * sequenceLength..<(n + 1) * sequenceLength])
    let hits = zip(guess, s.reversed()).filter { $0 == $1 }.count
    tokens += hits
    if hits == sequenceLength { exact += 1 }
  }
  return (Double(exact) / Double(data.count), Double(tokens) / Double(data.count * sequenceLength))
}

let batchSize = 64
let maxEpochs = 40
let start = Date()
var order = Array(train.indices)
var lastLoss: Float = 0
var epochsRun = 0
for epoch in 1...maxEpochs {
  for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
  var total: Float = 0
  var batches = 0
  for b in stride(from: 0, to: order.count, by: batchSize) {
    let batch = order[b..<min(b + batchSize, order.count)].map { train[$0] }
    let logits = try model(Tensor.tokenIDs(batch))
    let targets = try Tensor.tokenIDs(batch.map { Array($0.reversed()) })
    let loss = try Loss.crossEntropy(logits.reshaped([-1, vocabularySize]), targets.reshaped([-1]))
    optimizer.zeroGrad()
    try loss.backward()
    optimizer.step()
    total += loss.item
    batches += 1
  }
  lastLoss = total / Float(batches)
  epochsRun = epoch
  let (sequenceAccuracy, tokenAccuracy) = try accuracy(test)
  say(String(format: "epoch %2d  train loss %.4f  test token acc %.3f  test exact-sequence acc %.3f  (%.1f s)",
               epoch, lastLoss, tokenAccuracy, sequenceAccuracy, Date().timeIntervalSince(start)))
  if sequenceAccuracy >= 0.99 && lastLoss < 0.05 { break }
}
let trainSeconds = Date().timeIntervalSince(start)
let (testExact, testToken) = try accuracy(test)
let (trainExact, _) = try accuracy(Array(train.prefix(testCount)))
let passed = testExact >= 0.95
say(passed ? "PASS: exact-sequence accuracy \(testExact) ≥ 0.95" : "FAIL: exact-sequence accuracy \(testExact) < 0.95")
let metrics: [String: Any] = [
  "milestone": "attention-2017", "passed": passed, "test_exact_sequence_accuracy": testExact,
  "test_token_accuracy": testToken, "train_exact_sequence_accuracy": trainExact,
  "final_train_loss": Double(lastLoss), "epochs": epochsRun, "train_seconds": trainSeconds,
  "parameters": model.parameterCount, "sequence_length": sequenceLength, "vocabulary_size": vocabularySize,
  "train_sequences": trainCount, "test_sequences": testCount,
]
let json = try JSONSerialization.data(withJSONObject: metrics, options: [.sortedKeys])
say(String(decoding: json, as: UTF8.self))
