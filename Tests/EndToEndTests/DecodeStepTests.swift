import Foundation
import MilestoneSupport
import TTIR
import TTInterpreter
import TinyTorch
import XCTest

/// The GPT decode step with explicit caches (the 2018 milestone compiles it): eager, interpreted
/// and compiled logits match `GPT.forward(_:cache:)` at every position, and greedy generation
/// through it gives `GPT.generate`'s tokens, context cropping included.
final class DecodeStepTests: XCTestCase {
  func makeModel() -> GPT {
    let model = GPT(
      GPT.Configuration(vocabularySize: 11, dimension: 16, layerCount: 2, headCount: 2, maxSequenceLength: 6),
      seed: 5)
    model.eval()
    return model
  }

  func testStepAgreesWithTheCachedForwardInEveryEngine() throws {
    let directory = try makeTemporaryDirectory()
    defer { removeDirectory(directory) }
    let model = makeModel()
    let step = try DecodeStep(model)
    let graph = try step.trace()
    XCTAssertEqual(graph.inputs.map(\.name), step.inputNames)
    XCTAssertEqual(graph.outputs.map(\.name), step.outputNames)
    let interpreter = try Interpreter(graph: graph)
    let compiled = try compileAndLoad(graph, cache: directory.appendingPathComponent("cache")).makeSession()
    let cache = model.makeCache()
    let tokens = [3, 1, 4, 1, 5, 9]
    var (eagerCaches, interpretedCaches, compiledCaches) = (
      step.emptyCaches(), step.emptyCaches().map { TensorData($0.scalars, shape: $0.shape) }, [TensorData]()
    )
    compiledCaches = interpretedCaches
    for (position, token) in tokens.enumerated() {
      let expected = try withNoGrad { try model.forward(Tensor.tokenIDs([[token]]), cache: cache) }.scalars
      let inputs = try step.stepInputs(token: token, position: position)
      let eager = try withNoGrad { try step(inputs + eagerCaches) }
      eagerCaches = Array(eager.dropFirst())
      let data = inputs.map { TensorData($0.scalars, shape: $0.shape) }
      let feed = Dictionary(
        uniqueKeysWithValues: zip(step.inputNames, (data + interpretedCaches).map { InterpreterTensor($0) }))
      let interpreted = try interpreter.run(feed)
      interpretedCaches = step.outputNames.dropFirst().map {
        TensorData(interpreted[$0]!.floats(), shape: interpreted[$0]!.shape)
      }
      let outputs = try compiled.run(data + compiledCaches)
      compiledCaches = Array(outputs.dropFirst())
      assertClose(
        eager[0].scalars, expected, "position \(position): decode step vs cached forward", tolerance: 1e-5)
      assertClose(
        interpreted["logits"]!.floats(), eager[0].scalars, "position \(position): interpreter vs eager",
        tolerance: 1e-5)
      assertClose(
        outputs[0].floats(), interpreted["logits"]!.floats(), "position \(position): compiled vs interpreter")
    }
  }

  func testGreedyGenerationThroughTheStepCropsLikeGenerate() throws {
    let model = makeModel()
    let step = try DecodeStep(model)
    var caches: [Tensor] = []
    let generated = try greedyGeneration(prompt: [2, 7], count: 12, maxLength: 6) { context, refill in
      if refill { caches = step.emptyCaches() }
      var logits: [Float] = []
      for position in (refill ? 0 : context.count - 1)..<context.count {
        let outputs = try withNoGrad {
          try step(try step.stepInputs(token: context[position], position: position) + caches)
        }
        caches = Array(outputs.dropFirst())
        logits = outputs[0].scalars
      }
      return logits
    }
    XCTAssertEqual(
      generated, try model.generate(prompt: [2, 7], maxNewTokens: 12, temperature: 0, useCache: true))
  }
}
