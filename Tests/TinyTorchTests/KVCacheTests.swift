import TestSupport
import XCTest

@testable import TinyTorch

final class KVCacheTests: XCTestCase {
  func model() throws -> GPT {
    GPT(
      .init(vocabularySize: 13, dimension: 16, layerCount: 2, headCount: 4, maxSequenceLength: 10), seed: 3)
  }

  func testPreallocatedMemoryIsReported() throws {
    let cache = try model().makeCache(batchSize: 2)
    // 2 layers × (K + V) × [2, 4, 10, 4] floats.
    XCTAssertEqual(cache.memoryBytes, 2 * 2 * (2 * 4 * 10 * 4) * 4)
    XCTAssertEqual(cache.length, 0)
    XCTAssertEqual(cache.remaining, 10)
  }

  func testIncrementalLogitsMatchFullForward() throws {
    let gpt = try model()
    let ids = [[3, 1, 4, 1, 5, 9, 2], [6, 5, 3, 5, 8, 9, 7]]
    let full = try gpt(Tensor.tokenIDs(ids))
    let cache = gpt.makeCache(batchSize: 2)
    let prefix = try gpt.forward(Tensor.tokenIDs(ids.map { Array($0[0..<4]) }), cache: cache)
    var steps = [prefix]
    for t in 4..<7 { steps.append(try gpt.forward(Tensor.tokenIDs(ids.map { [$0[t]] }), cache: cache)) }
    XCTAssertEqual(cache.length, 7)
    let incremental = try Tensor.concat(steps, axis: 1)
    for (a, b) in zip(full.scalars, incremental.scalars) { XCTAssertEqual(a, b, accuracy: 1e-5) }
  }

  /// Without gradient tracking, attention takes the inference path (the fused kernel on the
  /// projection's output, the cache's buffers read in place): the same logits as the
  /// differentiable path, for a whole sequence and step by step through the cache, two sequences
  /// side by side; and causal or not on a lone attention layer.
  func testInferencePathMatchesTheDifferentiablePath() throws {
    let gpt = try model()
    gpt.eval()
    let ids = [[3, 1, 4, 1, 5, 9, 2], [6, 5, 3, 5, 8, 9, 7]]
    let reference = try gpt(Tensor.tokenIDs(ids))
    XCTAssertTrue(reference.requiresGrad, "the reference must take the differentiable path")
    try withNoGrad {
      assertClose(try gpt(Tensor.tokenIDs(ids)).scalars, reference.scalars, "whole sequence")
      let cache = gpt.makeCache(batchSize: 2)
      var steps = [try gpt.forward(Tensor.tokenIDs(ids.map { Array($0[0..<3]) }), cache: cache)]
      for t in 3..<7 { steps.append(try gpt.forward(Tensor.tokenIDs(ids.map { [$0[t]] }), cache: cache)) }
      assertClose(try Tensor.concat(steps, axis: 1).scalars, reference.scalars, "step by step")
    }
    let attention = MultiHeadAttention(dimension: 8, headCount: 2, seed: 4)
    let x = Tensor.randn([2, 5, 8], seed: 6)
    for causal in [false, true] {
      let expected = try attention.forward(x, mask: nil, isCausal: causal)
      let actual = try withNoGrad { try attention.forward(x, mask: nil, isCausal: causal) }
      assertClose(actual.scalars, expected.scalars, "causal \(causal)")
    }
  }

  func testCachedAndUncachedGenerationAgree() throws {
    let gpt = try model()
    // 30 new tokens after a 4-token prompt crop the 10-token context several times.
    for (temperature, topK) in [(Float(0), Int?.none), (1, nil), (0.8, 5)] {
      for seed in [UInt64(1), 2] {
        let cached = try gpt.generate(
          prompt: [1, 2, 3, 4], maxNewTokens: 30, temperature: temperature, topK: topK, seed: seed)
        let uncached = try gpt.generate(
          prompt: [1, 2, 3, 4], maxNewTokens: 30, temperature: temperature, topK: topK, seed: seed,
          useCache: false)
        XCTAssertEqual(
          cached, uncached, "temperature \(temperature) topK \(String(describing: topK)) seed \(seed)")
        XCTAssertEqual(cached.count, 30)
        XCTAssertTrue(cached.allSatisfy { (0..<13).contains($0) })
      }
    }
    // Sampling varies with the seed; greedy does not.
    let a = try gpt.generate(prompt: [1], maxNewTokens: 20, temperature: 1, seed: 1)
    let b = try gpt.generate(prompt: [1], maxNewTokens: 20, temperature: 1, seed: 2)
    XCTAssertNotEqual(a, b)
  }

  func testTopKRestrictsSampling() {
    var rng = RandomGenerator(seed: 5)
    let logits: [Float] = [0, 3, 2.9, -1, 2.8]
    let draws = (0..<200).map { _ in GPT.sample(logits[...], temperature: 1, topK: 2, using: &rng) }
    XCTAssertEqual(Set(draws), [1, 2])
    XCTAssertEqual(GPT.sample(logits[...], temperature: 0, topK: nil, using: &rng), 1)
  }

  func testOverflowAndBadShapesThrow() throws {
    let gpt = try model()
    let cache = gpt.makeCache()
    _ = try gpt.forward(Tensor.tokenIDs([Array(repeating: 1, count: 8)]), cache: cache)
    XCTAssertThrowsError(try gpt.forward(Tensor.tokenIDs([[1, 2, 3]]), cache: cache))
    XCTAssertEqual(cache.length, 8)
    XCTAssertThrowsError(
      try cache.append(layer: 2, key: Tensor.zeros([1, 4, 1, 4]), value: Tensor.zeros([1, 4, 1, 4])))
    XCTAssertThrowsError(
      try cache.append(layer: 0, key: Tensor.zeros([1, 4, 1, 3]), value: Tensor.zeros([1, 4, 1, 3])))
    XCTAssertThrowsError(try cache.advance(by: 3))
    // The inference path checks the same capacity, and writes nothing when it throws.
    XCTAssertThrowsError(try withNoGrad { try gpt.forward(Tensor.tokenIDs([[1, 2, 3]]), cache: cache) })
    XCTAssertEqual(cache.length, 8)
    cache.reset()
    XCTAssertEqual(cache.length, 0)
  }
}
