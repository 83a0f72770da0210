// Milestone "attention-2017" (Vaswani et al. 2017): a small transformer encoder learns to
// reverse random token sequences. Output position i must copy input position L−1−i, which only
// attention with position information can do. Success: exact-sequence accuracy ≥ 95% on
// held-out sequences (never seen in training). Run: `swift run -c release attention-2017`.
import Foundation
import MilestoneSupport
import TinyTorch

/// An encoder (bidirectional) transformer that labels every input position.
final class Reverser: Module {
  let tokens: Embedding
  let positions: PositionalEmbedding
  let blocks: [TransformerBlock]
  let norm: LayerNorm
  let head: Linear

  init(vocabularySize: Int, length: Int, width: Int, layers: Int, heads: Int, seed: UInt64) {
    tokens = Embedding(vocabularySize: vocabularySize, dimension: width, std: 0.1, seed: seed)
    positions = PositionalEmbedding(maxLength: length, dimension: width, std: 0.1, seed: seed + 1)
    blocks = (0..<layers).map { i in
      TransformerBlock(
        dimension: width, headCount: heads, hiddenDimension: 2 * width, seed: seed + 10 * UInt64(i + 1))
    }
    norm = LayerNorm(width)
    head = Linear(width, vocabularySize, initialization: .xavierUniform, seed: seed + 2)
    super.init()
  }

  override func forward(_ ids: Tensor) throws -> Tensor {
    var x = try positions(tokens(ids))
    for block in blocks { x = try block(x) }
    return try head(norm(x))
  }
}

/// Exact-sequence and per-token accuracy of `model` reversing `data`.
func accuracy(_ model: Reverser, _ data: [[Int]]) throws -> (sequence: Double, token: Double) {
  let length = data[0].count
  let logits = try model.withEvaluationMode { try withNoGrad { try model(Tensor.tokenIDs(data)) } }
  let predicted = try logits.argmax(axis: -1).scalars.map { Int($0) }
  var exact = 0
  var tokens = 0
  for (n, s) in data.enumerated() {
    let hits = zip(predicted[n * length..<(n + 1) * length], s.reversed()).filter { $0 == $1 }.count
    tokens += hits
    if hits == length { exact += 1 }
  }
  return (Double(exact) / Double(data.count), Double(tokens) / Double(data.count * length))
}

runMilestone {
  let arguments = try Arguments(
    program: "attention-2017",
    options: [
      "length": "N  sequence length (default 8)", "vocabulary": "N  vocabulary size (default 24)",
      "epochs": "N  maximum training epochs (default 40)",
      "export": "DIR  trace the trained model into DIR (reverser.json, .safetensors, -input.npy)",
    ])
  let length = try arguments.integer("length", default: 8)
  let vocabularySize = try arguments.integer("vocabulary", default: 24)
  let maxEpochs = try arguments.integer("epochs", default: 40)
  guard length >= 2, vocabularySize >= 2, maxEpochs > 0 else {
    throw MilestoneError("--length and --vocabulary must be at least 2, --epochs positive")
  }
  let (trainCount, testCount, batchSize, seed) = (4000, 500, 64, UInt64(2017))
  // Held-out sequences must differ from every training one, so there must be room for both.
  guard pow(Double(vocabularySize), Double(length)) >= Double(2 * (trainCount + testCount)) else {
    throw MilestoneError(
      "--vocabulary \(vocabularySize) and --length \(length) allow too few distinct sequences for "
        + "\(trainCount) training and \(testCount) unseen test sequences")
  }

  var rng = RandomGenerator(seed: seed)
  func randomSequence() -> [Int] { (0..<length).map { _ in Int(rng.next() % UInt64(vocabularySize)) } }
  let train = (0..<trainCount).map { _ in randomSequence() }
  let seen = Set(train)
  var test: [[Int]] = []
  while test.count < testCount {
    let s = randomSequence()
    if !seen.contains(s) { test.append(s) }
  }

  let model = Reverser(
    vocabularySize: vocabularySize, length: length, width: 64, layers: 2, heads: 4, seed: seed)
  let optimizer = Adam(model.parameters(), learningRate: 2e-3)
  print("attention-2017: reverse sequences of \(length) tokens (vocabulary \(vocabularySize))")
  print(
    "model: 2 encoder blocks (pre-norm), width 64, 4 heads, \(model.parameterCount) parameters; Adam lr 2e-3")
  print("data: \(trainCount) training sequences, \(testCount) held-out test sequences, batch \(batchSize)")

  var order = Array(train.indices)
  var lastLoss = 0.0
  var epochsRun = 0
  var trainSeconds = 0.0
  for epoch in 1...maxEpochs {
    for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
    let (meanLoss, seconds) = try timed {
      var total = 0.0
      var batches = 0
      for b in stride(from: 0, to: order.count, by: batchSize) {
        let batch = order[b..<min(b + batchSize, order.count)].map { train[$0] }
        let logits = try model(Tensor.tokenIDs(batch))
        let targets = try Tensor.tokenIDs(batch.map { Array($0.reversed()) })
        let loss = try Loss.crossEntropy(logits.reshaped([-1, vocabularySize]), targets.reshaped([-1]))
        optimizer.zeroGrad()
        try loss.backward()
        try optimizer.step()
        total += Double(loss.item)
        batches += 1
      }
      return total / Double(batches)
    }
    trainSeconds += seconds
    lastLoss = meanLoss
    epochsRun = epoch
    let (sequenceAccuracy, tokenAccuracy) = try accuracy(model, test)
    print(
      "epoch \(epoch): train loss \(rounded(meanLoss, 4)), "
        + "held-out token accuracy \(rounded(tokenAccuracy, 4)), "
        + "exact-sequence accuracy \(rounded(sequenceAccuracy, 4)) (\(rounded(trainSeconds, 1)) s)")
    if sequenceAccuracy >= 0.99 && meanLoss < 0.05 { break }
  }
  let (testExact, testToken) = try accuracy(model, test)
  let (trainExact, _) = try accuracy(model, Array(train.prefix(testCount)))
  let passed = testExact >= 0.95
  print(passed ? "PASS: exact-sequence accuracy ≥ 95%" : "FAIL: exact-sequence accuracy below 95%")
  if let directory = arguments.options["export"] {
    try exportModel(model, example: Tensor.tokenIDs(Array(test.prefix(8))), name: "reverser", to: directory)
  }
  print(
    metricsLine([
      ("milestone", .string("attention-2017")),
      ("test_exact_sequence_accuracy", .double(rounded(testExact, 4))),
      ("test_token_accuracy", .double(rounded(testToken, 4))),
      ("train_exact_sequence_accuracy", .double(rounded(trainExact, 4))),
      ("final_train_loss", .double(rounded(lastLoss, 5))), ("epochs", .int(epochsRun)),
      ("train_seconds", .double(rounded(trainSeconds, 3))), ("parameters", .int(model.parameterCount)),
      ("sequence_length", .int(length)), ("vocabulary_size", .int(vocabularySize)),
      ("train_sequences", .int(trainCount)), ("test_sequences", .int(testCount)), ("passed", .bool(passed)),
    ]))
  return passed
}
