import Foundation
import MilestoneSupport
import TTCodegen
import TTIR
import TTInterpreter
import TTLoader
import TTPasses
import TinyTorch

/// Tokens per second of one way of generating, and the tokens it produced.
struct GenerationRun {
  var name: String
  var seconds: Double
  var tokens: [Int]
}

/// Compiles `graph` at -O2 into `cache` and opens a session.
func compiledSession(_ graph: Graph, cache: String) throws -> CompiledModel.Session {
  let optimized = try PassManager(
    pipeline: .level(.O2, options: PassOptions(evaluator: Interpreter.evaluate))
  ).run(graph).graph
  let artifact = try ModelCompiler.compile(optimized, options: CompileOptions(cacheDirectory: cache))
  return try CompiledModel(path: artifact.libraryPath, expecting: artifact.graphHash).makeSession()
}

/// Greedy generation of `count` tokens after `prompt` four ways: eager without and with the KV
/// cache (`GPT.generate`), compiled without (the whole context window, padded to the model's
/// `maxSequenceLength`, per token: static shapes) and with the cache (the compiled
/// ``MilestoneSupport/DecodeStep``, its caches passed in and out). Each is timed `repeats` times
/// in turns; the median counts.
func generationRuns(_ model: GPT, prompt: [Int], count: Int, repeats: Int, cache: String) throws
  -> [GenerationRun]
{
  let maxLength = model.configuration.maxSequenceLength
  let step = try DecodeStep(model)
  let stepSession = try compiledSession(try step.trace(), cache: cache)
  let window = try trace(
    model, example: Tensor.tokenIDs([[Int](repeating: 0, count: maxLength)]), name: "gpt-window")
  let windowSession = try compiledSession(window, cache: cache)
  let vocabulary = model.configuration.vocabularySize

  // Both compiled ways run on the sessions' own buffers (`runInPlace`). The caches are the
  // decode step's last inputs; after each step its key/value outputs are copied onto them.
  let cacheCount = 2 * model.configuration.layerCount
  func cachedLogits(_ context: [Int], _ refill: Bool) throws -> [Float] {
    if refill {
      for index in 0..<cacheCount {
        stepSession.inputBuffer(4 + index).initializeMemory(as: UInt8.self, repeating: 0)
      }
    }
    for position in (refill ? 0 : context.count - 1)..<context.count {
      for (index, tensor) in try step.stepInputs(token: context[position], position: position).enumerated() {
        tensor.scalars.withUnsafeBytes { stepSession.inputBuffer(index).copyMemory(from: $0) }
      }
      try stepSession.runInPlace()
      for index in 0..<cacheCount {
        stepSession.inputBuffer(4 + index).copyMemory(from: stepSession.outputBuffer(1 + index))
      }
    }
    return Array(stepSession.outputBuffer(0).bindMemory(to: Float.self))
  }
  func windowLogits(_ context: [Int], _ refill: Bool) throws -> [Float] {
    let padded = context.map(Float.init) + [Float](repeating: 0, count: maxLength - context.count)
    padded.withUnsafeBytes { windowSession.inputBuffer(0).copyMemory(from: $0) }
    try windowSession.runInPlace()
    let logits = windowSession.outputBuffer(0).bindMemory(to: Float.self)
    return Array(logits[(context.count - 1) * vocabulary..<context.count * vocabulary])
  }

  let ways: [(String, () throws -> [Int])] = [
    (
      "eager, no cache",
      { try model.generate(prompt: prompt, maxNewTokens: count, temperature: 0, useCache: false) }
    ),
    (
      "eager, KV cache",
      { try model.generate(prompt: prompt, maxNewTokens: count, temperature: 0, useCache: true) }
    ),
    (
      "compiled, no cache",
      { try greedyGeneration(prompt: prompt, count: count, maxLength: maxLength, logits: windowLogits) }
    ),
    (
      "compiled, KV cache",
      { try greedyGeneration(prompt: prompt, count: count, maxLength: maxLength, logits: cachedLogits) }
    ),
  ]
  // The ways take turns, so that background load hits them alike.
  var times = [[Double]](repeating: [], count: ways.count)
  var tokens = [[Int]](repeating: [], count: ways.count)
  for _ in 0..<repeats {
    for (index, way) in ways.enumerated() {
      let (generated, seconds) = try timed(way.1)
      times[index].append(seconds)
      tokens[index] = generated
    }
  }
  return ways.indices.map {
    GenerationRun(name: ways[$0].0, seconds: times[$0].sorted()[times[$0].count / 2], tokens: tokens[$0])
  }
}
