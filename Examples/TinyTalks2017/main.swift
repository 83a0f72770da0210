// Milestone "tinytalks-2017": a character-level GPT trained on TinyTalks question/answer pairs.
// Success: validation loss < 1.5 nats per character. Also answers a few held-out questions and
// measures generation speed with and without the KV cache.
import Foundation
import TinyTorch

/// Prints a line and flushes it at once, so progress shows when the output is a pipe.
func say(_ line: String) {
  print(line)
  fflush(nil)
}

let dataDirectory = CommandLine.arguments.dropFirst().first ?? "Data/tinytalks/splits"
func load(_ split: String) throws -> String {
  try String(contentsOfFile: "\(dataDirectory)/\(split).txt", encoding: .utf8)
}
let trainText = try load("train")
let valText = try load("val")
let testText = try load("test")

// Vocabulary from the training split only; unseen characters elsewhere map to the unknown id.
let tokenizer = CharTokenizer(corpus: trainText)
let trainIDs = try tokenizer.encode(trainText)
let valIDs = try tokenizer.encode(valText)
let testIDs = try tokenizer.encode(testText)
let unknownCount = (valIDs + testIDs).filter { $0 == CharTokenizer.unknownID }.count

let context = 64
let configuration = GPT.Configuration(
  vocabularySize: tokenizer.vocabularySize, dimension: 128, layerCount: 2, headCount: 4,
  maxSequenceLength: context, dropout: 0.3)
let seed: UInt64 = 2017
let model = try GPT(configuration, seed: seed)
let peakLearningRate: Float = 3e-3
let optimizer = LocalAdam(model.parameters(), learningRate: peakLearningRate)
let batchSize = 16
let maxSteps = 2000
let evalEvery = 100
let patience = 5
let warmupSteps = 100

say("tinytalks-2017: character-level GPT on TinyTalks")
say("data: train \(trainIDs.count) chars, val \(valIDs.count), test \(testIDs.count); "
      + "vocabulary \(tokenizer.vocabularySize) (incl. unknown), \(unknownCount) unseen chars in val+test")
say("model: \(configuration.layerCount) layers, width \(configuration.dimension), \(configuration.headCount) heads, "
      + "context \(context), dropout \(configuration.dropout), \(model.parameterCount) parameters")

/// Mean next-character loss over `ids`, cut into non-overlapping windows of `context` tokens
/// (every character after the first is predicted once).
@MainActor func evaluate(_ ids: [Int]) throws -> Double {
  model.eval()
  defer { model.train() }
  var windows: [(input: [Int], target: [Int])] = []
  var start = 0
  while start + 1 < ids.count {
    let end = min(start + context, ids.count - 1)
    windows.append((Array(ids[start..<end]), Array(ids[(start + 1)...end])))
    start = end
  }
  var total = 0.0
  var count = 0
  for length in Set(windows.map { $0.input.count }) {  // batch windows of equal length
    let group = windows.filter { $0.input.count == length }
    for b in stride(from: 0, to: group.count, by: 32) {
      let batch = group[b..<min(b + 32, group.count)]
      let loss = try withNoGrad {
        try model.loss(inputs: Tensor.tokenIDs(batch.map(\.input)), targets: Tensor.tokenIDs(batch.map(\.target)))
      }
      total += Double(loss.item) * Double(batch.count * length)
      count += batch.count * length
    }
  }
  return total / Double(count)
}

var rng = RandomGenerator(seed: seed)
var best = (valLoss: Double.infinity, step: 0, state: model.stateDict())
var evalsSinceBest = 0
var recentLoss: [Float] = []
var step = 0
let start = Date()
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
  let loss = try model.loss(inputs: Tensor.tokenIDs(inputs), targets: Tensor.tokenIDs(targets))
  // Linear warm-up, then cosine decay to 10% of the peak rate at `maxSteps`.
  let progress = Float(max(0, step - warmupSteps)) / Float(maxSteps - warmupSteps)
  optimizer.learningRate = step <= warmupSteps
    ? peakLearningRate * Float(step) / Float(warmupSteps)
    : peakLearningRate * (0.1 + 0.45 * (1 + cos(.pi * progress)))
  optimizer.zeroGrad()
  try loss.backward()
  optimizer.step()
  recentLoss.append(loss.item)
  if step % evalEvery == 0 {
    let valLoss = try evaluate(valIDs)
    let trainLoss = recentLoss.reduce(0, +) / Float(recentLoss.count)
    recentLoss.removeAll()
    let improved = valLoss < best.valLoss
    if improved {
      best = (valLoss, step, model.stateDict())
      evalsSinceBest = 0
    } else {
      evalsSinceBest += 1
    }
    let elapsed = Date().timeIntervalSince(start)
    say(String(format: "step %4d  train loss %.3f  val loss %.3f%@  (%.0f s)",
                 step, trainLoss, valLoss, improved ? " *" : "", elapsed))
    if evalsSinceBest >= patience {
      say("early stopping: no validation improvement in \(patience) evaluations")
      break
    }
  }
}
let trainSeconds = Date().timeIntervalSince(start)
try model.loadStateDict(best.state)
model.eval()
let valLoss = try evaluate(valIDs)
let testLoss = try evaluate(testIDs)
say(String(format: "best checkpoint: step %d, val loss %.4f, test loss %.4f (%.0f s of training)",
             best.step, valLoss, testLoss, trainSeconds))

// Answers to held-out questions (test split), greedy decoding until the end of the line.
say("\nsample answers to held-out questions:")
let newline = try tokenizer.encode("\n")[0]
let pairs = testText.components(separatedBy: "\n\n").filter { $0.hasPrefix("Q: ") }
for pair in pairs.prefix(5) {
  let lines = pair.split(separator: "\n")
  let prompt = try tokenizer.encode(String(lines[0]) + "\nA:")
  var answer = try model.generate(prompt: prompt, maxNewTokens: 60, temperature: 0)
  if let end = answer.firstIndex(of: newline) { answer = Array(answer[..<end]) }
  say("  \(lines[0])\n    expected: \(lines.count > 1 ? String(lines[1]) : "")\n    model:    A:\(try tokenizer.decode(answer))")
}

// Generation speed: 128 new tokens after a 16-token prompt, with and without the KV cache.
let speedPrompt = Array(testIDs.prefix(16))
let newTokens = 128
@MainActor func timeGeneration(useCache: Bool) throws -> (seconds: Double, tokens: [Int]) {
  var bestTime = Double.infinity
  var tokens: [Int] = []
  for _ in 0..<3 {
    let t0 = Date()
    tokens = try model.generate(prompt: speedPrompt, maxNewTokens: newTokens, temperature: 0.8, seed: 7, useCache: useCache)
    bestTime = min(bestTime, Date().timeIntervalSince(t0))
  }
  return (bestTime, tokens)
}
let cached = try timeGeneration(useCache: true)
let uncached = try timeGeneration(useCache: false)
let identical = cached.tokens == uncached.tokens
let cachedRate = Double(newTokens) / cached.seconds
let uncachedRate = Double(newTokens) / uncached.seconds
let cacheBytes = model.makeCache().memoryBytes
say(String(format: "\ngeneration of %d tokens after a %d-token prompt: %.0f tokens/s with KV cache, "
             + "%.0f tokens/s without (%.1f× faster); identical tokens: %@; cache %d bytes",
             newTokens, speedPrompt.count, cachedRate, uncachedRate, cachedRate / uncachedRate,
             identical ? "yes" : "NO", cacheBytes))
say("sample: \(try tokenizer.decode(speedPrompt))|\(try tokenizer.decode(cached.tokens))")

let passed = valLoss < 1.5
say(passed ? "PASS: validation loss \(valLoss) < 1.5" : "FAIL: validation loss \(valLoss) ≥ 1.5")
let metrics: [String: Any] = [
  "milestone": "tinytalks-2017", "passed": passed, "val_loss": valLoss, "test_loss": testLoss,
  "best_step": best.step, "steps": step, "train_seconds": trainSeconds, "parameters": model.parameterCount,
  "vocabulary_size": tokenizer.vocabularySize, "context": context, "batch_size": batchSize,
  "tokens_per_second_cached": cachedRate, "tokens_per_second_uncached": uncachedRate,
  "kv_cache_speedup": cachedRate / uncachedRate, "cached_equals_uncached": identical,
  "kv_cache_bytes": cacheBytes, "generated_tokens": newTokens, "prompt_tokens": speedPrompt.count,
]
let json = try JSONSerialization.data(withJSONObject: metrics, options: [.sortedKeys])
say(String(decoding: json, as: UTF8.self))
