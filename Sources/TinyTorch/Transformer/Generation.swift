import Foundation

extension GPT {
  /// Continues `prompt` by `maxNewTokens` tokens and returns the new tokens.
  ///
  /// - Parameters:
  ///   - prompt: the token ids to continue (at least one).
  ///   - maxNewTokens: how many tokens to generate.
  ///   - temperature: `0` picks the most likely token (greedy); otherwise logits are divided by
  ///     it before sampling.
  ///   - topK: when given, sampling is restricted to the `topK` most likely tokens.
  ///   - seed: seeds the sampler, so a call is reproducible; when nil, the sampler's seed is
  ///     drawn from the global generator (which ``manualSeed(_:)`` seeds).
  ///   - useCache: reuse keys/values of earlier positions (a ``KVCache``) instead of re-running
  ///     the whole context for every token. Both ways give the same tokens.
  ///
  /// **Context cropping.** The model sees at most `maxSequenceLength` tokens. A longer prompt is
  /// cropped to its last `maxSequenceLength` tokens. When a new token would make the context
  /// longer than that, the context is cropped to its last `maxSequenceLength / 2` tokens (which
  /// then take positions `0…` again); with the cache on, the cache is refilled from the cropped
  /// context at that moment, so the refill happens once per `maxSequenceLength / 2` tokens.
  /// Cached and uncached generation crop identically.
  ///
  /// The model runs in evaluation mode (no dropout) without gradient tracking; its
  /// training/evaluation mode is restored afterwards.
  /// - Throws: for an empty prompt, ids outside the vocabulary, a negative temperature or a
  ///   `topK` below 1.
  public func generate(
    prompt: [Int], maxNewTokens: Int, temperature: Float = 1, topK: Int? = nil, seed: UInt64? = nil,
    useCache: Bool = true
  ) throws -> [Int] {
    guard !prompt.isEmpty else { throw TensorError.invalidArgument("generate: the prompt is empty") }
    guard maxNewTokens >= 0 else {
      throw TensorError.invalidArgument("generate: maxNewTokens \(maxNewTokens) < 0")
    }
    guard temperature >= 0, temperature.isFinite else {
      throw TensorError.invalidArgument("generate: temperature must be ≥ 0, got \(temperature)")
    }
    if let topK, topK < 1 { throw TensorError.invalidArgument("generate: topK must be ≥ 1, got \(topK)") }
    let maxLength = configuration.maxSequenceLength
    let keep = max(1, maxLength / 2)
    var generator = RandomGenerator(seed: seed ?? RandomGenerator.withGlobal { $0.next() })
    var context = Array(prompt.suffix(maxLength))
    let cache = useCache ? makeCache() : nil
    return try withEvaluationMode {
      try withNoGrad {
        var logits = try forward(Tensor.tokenIDs([context]), cache: cache)
        var generated: [Int] = []
        generated.reserveCapacity(maxNewTokens)
        while generated.count < maxNewTokens {
          let last = logits.scalars[(logits.count - configuration.vocabularySize)...]
          let token = Self.sample(last, temperature: temperature, topK: topK, using: &generator)
          generated.append(token)
          context.append(token)
          if generated.count == maxNewTokens { break }
          let cropped = context.count > maxLength
          if cropped { context = Array(context.suffix(keep)) }
          if let cache {
            if cropped {
              cache.reset()
              logits = try forward(Tensor.tokenIDs([context]), cache: cache)
            } else {
              logits = try forward(Tensor(uncheckedShape: [1, 1], scalars: [Float(token)]), cache: cache)
            }
          } else {
            logits = try forward(Tensor.tokenIDs([context]))
          }
        }
        return generated
      }
    }
  }

  /// Draws a token from `logits` (argmax when `temperature` is 0), restricted to the `topK`
  /// largest logits when given. Uses one uniform draw per token.
  static func sample(
    _ logits: ArraySlice<Float>, temperature: Float, topK: Int?, using generator: inout RandomGenerator
  ) -> Int {
    logits.withUnsafeBufferPointer { logits in  // indices from 0
      if temperature == 0 {
        var best = 0
        for i in logits.indices where logits[i] > logits[best] { best = i }
        return best
      }
      var allowed: [Int]? = nil  // nil: every token
      if let topK, topK < logits.count {
        allowed = Array(
          logits.indices.sorted { logits[$0] != logits[$1] ? logits[$0] > logits[$1] : $0 < $1 }
            .prefix(topK)
        ).sorted()
      }
      let count = allowed?.count ?? logits.count
      func scaled(_ i: Int) -> Double { Double(logits[allowed?[i] ?? i]) / Double(temperature) }
      var m = -Double.infinity
      for i in 0..<count { m = Swift.max(m, scaled(i)) }
      var total = 0.0
      for i in 0..<count { total += Foundation.exp(scaled(i) - m) }
      let u = Double(generator.nextUniform()) * total
      var cumulative = 0.0
      for i in 0..<count {
        cumulative += Foundation.exp(scaled(i) - m)
        if u < cumulative { return allowed?[i] ?? i }
      }
      return allowed?[count - 1] ?? count - 1
    }
  }
}
