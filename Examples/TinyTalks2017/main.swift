// Milestone "tinytalks-2017": a character-level GPT trained on the TinyTalks question/answer
// pairs (train split), with dropout and early stopping on the validation split. Success:
// validation loss < 1.5 nats per character. Then it answers a few held-out test questions and
// measures generation speed with and without the KV cache (128 new tokens after a 16-token
// prompt). Run: `swift run -c release tinytalks-2017`; `--bench` times only the generation, on
// the untrained model.
import Foundation
import MilestoneSupport
import TinyTorch

/// Mean next-character loss (nats) of `model` over `ids`, cut into non-overlapping windows of
/// `context` tokens, so that every character after the first is predicted exactly once.
func evaluate(_ model: GPT, _ ids: [Int], context: Int) throws -> Double {
  try model.withEvaluationMode {
    var windows: [(input: [Int], target: [Int])] = []
    var start = 0
    while start + 1 < ids.count {
      let end = min(start + context, ids.count - 1)
      windows.append((Array(ids[start..<end]), Array(ids[(start + 1)...end])))
      start = end
    }
    var total = 0.0
    var count = 0
    for length in Set(windows.map(\.input.count)).sorted() {  // batches of equally long windows
      let group = windows.filter { $0.input.count == length }
      for b in stride(from: 0, to: group.count, by: 32) {
        let batch = group[b..<min(b + 32, group.count)]
        let loss = try withNoGrad {
          try model.loss(
            inputs: Tensor.tokenIDs(batch.map(\.input)), targets: Tensor.tokenIDs(batch.map(\.target)))
        }
        total += Double(loss.item) * Double(batch.count * length)
        count += batch.count * length
      }
    }
    return total / Double(count)
  }
}

/// Generation speed with and without the KV cache: `count` tokens after `prompt`, the two ways
/// taking turns for `rounds` rounds (so background load hits both alike); median seconds of each,
/// and the tokens each produced.
func generationSpeed(_ model: GPT, prompt: [Int], count: Int, rounds: Int) throws
  -> (cached: (seconds: Double, tokens: [Int]), uncached: (seconds: Double, tokens: [Int]))
{
  var times: [[Double]] = [[], []]
  var tokens: [[Int]] = [[], []]
  for _ in 0..<rounds {
    for (way, useCache) in [true, false].enumerated() {
      let (generated, seconds) = try timed {
        try model.generate(prompt: prompt, maxNewTokens: count, temperature: 0.8, seed: 7, useCache: useCache)
      }
      times[way].append(seconds)
      tokens[way] = generated
    }
  }
  return ((median(times[0]), tokens[0]), (median(times[1]), tokens[1]))
}

/// Prints the generation speed line of ``generationSpeed(_:prompt:count:rounds:)`` and returns
/// the figures.
func reportGenerationSpeed(_ model: GPT, prompt: [Int], count: Int, rounds: Int) throws
  -> (cachedRate: Double, uncachedRate: Double, identical: Bool, cachedTokens: [Int])
{
  let (cached, uncached) = try generationSpeed(model, prompt: prompt, count: count, rounds: rounds)
  let identical = cached.tokens == uncached.tokens
  let (cachedRate, uncachedRate) = (Double(count) / cached.seconds, Double(count) / uncached.seconds)
  print(
    "generation, \(count) tokens after a \(prompt.count)-token prompt (temperature 0.8, seed 7, "
      + "median of \(rounds) rounds): \(Int(cachedRate)) tokens/s with KV cache "
      + "(\(model.makeCache().memoryBytes) bytes), \(Int(uncachedRate)) tokens/s without: "
      + "\(rounded(cachedRate / uncachedRate, 1))× faster; identical tokens: \(identical)")
  return (cachedRate, uncachedRate, identical, cached.tokens)
}

runMilestone {
  let arguments = try Arguments(
    program: "tinytalks-2017",
    flags: [
      "bench": "only time generation, on the untrained model (its speed does not depend on the "
        + "weights; use a release build)"
    ],
    options: [
      "data": dataOptionHelp(holding: "tinytalks/"),
      "steps": "N  maximum training steps (default 1500)",
      "export": "DIR  trace the trained model into DIR (tinytalks-gpt.json, .safetensors, -input.npy)",
      "rounds": "N  rounds of the generation timing, each way once per round (default 5)",
    ])
  let maxSteps = try arguments.integer("steps", default: 1500)
  guard maxSteps > 0 else { throw MilestoneError("--steps must be positive") }
  let rounds = try arguments.integer("rounds", default: 5)
  guard rounds > 0 else { throw MilestoneError("--rounds must be positive") }
  let splits = try dataDirectory(explicit: arguments.options["data"], required: "tinytalks/splits/train.txt")
    .appendingPathComponent("tinytalks/splits")
  func load(_ split: String) throws -> String {
    try String(contentsOf: splits.appendingPathComponent("\(split).txt"), encoding: .utf8)
  }
  let (trainText, valText, testText) = (try load("train"), try load("val"), try load("test"))

  // Vocabulary from the training split only; characters unseen there map to the unknown id.
  let tokenizer = CharTokenizer(corpus: trainText)
  let trainIDs = try tokenizer.encode(trainText)
  let valIDs = try tokenizer.encode(valText)
  let testIDs = try tokenizer.encode(testText)
  let unseen = (valIDs + testIDs).filter { $0 == CharTokenizer.unknownID }.count

  // The context (96 characters: a whole question/answer pair) also sets how much work the KV
  // cache saves: without it every new token re-runs the whole context (cropped to its last half
  // when it fills; see GPT.generate).
  let configuration = GPT.Configuration.tinyTalks(vocabularySize: tokenizer.vocabularySize)
  let context = configuration.maxSequenceLength
  let seed: UInt64 = 2017
  let model = GPT(configuration, seed: seed)
  if arguments.has("bench") {
    let speed = try reportGenerationSpeed(
      model, prompt: Array(testIDs.prefix(16)), count: 128, rounds: rounds)
    return speed.identical
  }
  let (batchSize, evalEvery, patience, warmupSteps) = (16, min(100, maxSteps), 5, min(100, maxSteps / 10))
  let peakLearningRate: Float = 3e-3
  let optimizer = Adam(model.parameters(), learningRate: peakLearningRate)
  // Cosine decay from the peak to 10% of it over `maxSteps`, after a linear warm-up.
  let schedule = CosineSchedule(
    maxLearningRate: peakLearningRate, minLearningRate: peakLearningRate / 10,
    totalEpochs: max(1, maxSteps - warmupSteps))

  print("tinytalks-2017: character-level GPT on TinyTalks")
  print(
    "data: train \(trainIDs.count) chars, val \(valIDs.count), test \(testIDs.count); vocabulary "
      + "\(tokenizer.vocabularySize) (incl. unknown); \(unseen) val/test chars unseen in train")
  print(
    "model: \(configuration.layerCount) layers, width \(configuration.dimension), "
      + "\(configuration.headCount) heads, "
      + "context \(context), dropout \(configuration.dropout), \(model.parameterCount) parameters; "
      + "Adam lr \(peakLearningRate) (warm-up, cosine), batch \(batchSize), "
      + "early stopping (patience \(patience))"
  )

  var rng = RandomGenerator(seed: seed)
  var best = (valLoss: Double.infinity, step: 0, state: model.stateDict())
  var evaluationsSinceBest = 0
  var recentLosses: [Float] = []
  var step = 0
  var trainSeconds = 0.0
  model.train()
  while step < maxSteps {
    step += 1
    var inputs: [[Int]] = []
    var targets: [[Int]] = []
    for _ in 0..<batchSize {
      let offset = Int(rng.next() % UInt64(trainIDs.count - context - 1))
      inputs.append(Array(trainIDs[offset..<offset + context]))
      targets.append(Array(trainIDs[offset + 1...offset + context]))
    }
    optimizer.learningRate =
      step <= warmupSteps
      ? peakLearningRate * Float(step) / Float(warmupSteps) : schedule.learningRate(epoch: step - warmupSteps)
    let (loss, seconds) = try timed {
      let loss = try model.loss(inputs: Tensor.tokenIDs(inputs), targets: Tensor.tokenIDs(targets))
      optimizer.zeroGrad()
      try loss.backward()
      try optimizer.step()
      return loss.item
    }
    trainSeconds += seconds
    recentLosses.append(loss)
    guard step % evalEvery == 0 else { continue }
    let valLoss = try evaluate(model, valIDs, context: context)
    let trainLoss = recentLosses.reduce(0, +) / Float(recentLosses.count)
    recentLosses.removeAll()
    let improved = valLoss < best.valLoss
    if improved {
      best = (valLoss, step, model.stateDict())
      evaluationsSinceBest = 0
    } else {
      evaluationsSinceBest += 1
    }
    print(
      "step \(step): train loss \(rounded(Double(trainLoss), 3)), val loss \(rounded(valLoss, 4))"
        + "\(improved ? " (best)" : "") (\(rounded(trainSeconds, 1)) s)")
    if evaluationsSinceBest >= patience {
      print("early stopping: no validation improvement in \(patience) evaluations")
      break
    }
  }
  try model.loadStateDict(best.state)
  let valLoss = try evaluate(model, valIDs, context: context)
  let testLoss = try evaluate(model, testIDs, context: context)
  print(
    "best checkpoint: step \(best.step), val loss \(rounded(valLoss, 4)), test loss \(rounded(testLoss, 4))")

  // Greedy answers to held-out (test split) questions, up to the end of the line.
  print("answers to held-out questions:")
  let newline = try tokenizer.encode("\n")[0]
  for pair in testText.components(separatedBy: "\n\n").filter({ $0.hasPrefix("Q: ") }).prefix(5) {
    let lines = pair.split(separator: "\n").map(String.init)
    var answer = try model.generate(
      prompt: tokenizer.encode(lines[0] + "\nA:"), maxNewTokens: 60, temperature: 0)
    if let end = answer.firstIndex(of: newline) { answer = Array(answer[..<end]) }
    print(
      "  \(lines[0])\n    expected: \(lines.dropFirst().first ?? "")\n"
        + "    model:    A:\(try tokenizer.decode(answer))"
    )
  }

  // Generation speed: 128 new tokens after a 16-token prompt, with and without the KV cache.
  let prompt = Array(testIDs.prefix(16))
  let newTokens = 128
  let (cachedRate, uncachedRate, identical, cachedTokens) = try reportGenerationSpeed(
    model, prompt: prompt, count: newTokens, rounds: rounds)
  let cacheBytes = model.makeCache().memoryBytes
  print("sample: \(try tokenizer.decode(prompt))|\(try tokenizer.decode(cachedTokens))")

  if let directory = arguments.options["export"] {
    // A forward pass over one full context window of held-out text: [1, context] token ids.
    let window = try Tensor.tokenIDs([Array(testIDs.prefix(context))])
    try exportModel(model, example: window, name: "tinytalks-gpt", to: directory)
  }

  let passed = valLoss < 1.5 && identical
  print(passed ? "PASS: validation loss < 1.5 nats/char" : "FAIL: validation loss ≥ 1.5 or cache mismatch")
  print(
    metricsLine([
      ("milestone", .string("tinytalks-2017")), ("val_loss", .double(rounded(valLoss, 4))),
      ("test_loss", .double(rounded(testLoss, 4))), ("best_step", .int(best.step)), ("steps", .int(step)),
      ("train_seconds", .double(rounded(trainSeconds, 2))), ("parameters", .int(model.parameterCount)),
      ("vocabulary_size", .int(tokenizer.vocabularySize)), ("context", .int(context)),
      ("batch_size", .int(batchSize)), ("prompt_tokens", .int(prompt.count)), ("new_tokens", .int(newTokens)),
      ("tokens_per_second_cached", .double(rounded(cachedRate, 1))),
      ("tokens_per_second_uncached", .double(rounded(uncachedRate, 1))),
      ("kv_cache_speedup", .double(rounded(cachedRate / uncachedRate, 2))),
      ("cached_equals_uncached", .bool(identical)), ("kv_cache_bytes", .int(cacheBytes)),
      ("passed", .bool(passed)),
    ]))
  return passed
}
