import Foundation
import Synchronization

/// A small, fast, seedable pseudo-random generator (xoshiro256**), so that every run of a
/// seeded experiment produces the same numbers on every machine.
public struct RandomGenerator: RandomNumberGenerator, Sendable {
  private var s: (UInt64, UInt64, UInt64, UInt64)

  /// Creates a generator whose whole state is derived from `seed` with SplitMix64.
  public init(seed: UInt64) {
    var x = seed
    func splitMix() -> UInt64 {
      x &+= 0x9E37_79B9_7F4A_7C15
      var z = x
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    s = (splitMix(), splitMix(), splitMix(), splitMix())
  }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    let result = ((s.1 &* 5) << 7 | (s.1 &* 5) >> 57) &* 9
    let t = s.1 << 17
    s.2 ^= s.0
    s.3 ^= s.1
    s.1 ^= s.2
    s.0 ^= s.3
    s.2 ^= t
    s.3 = (s.3 << 45) | (s.3 >> 19)
    return result
  }

  /// A uniform value in `[0, 1)` with 24 random bits.
  public mutating func nextUniform() -> Float {
    Float(next() >> 40) * (1.0 / 16_777_216.0)
  }

  /// A standard normal value (Box–Muller).
  public mutating func nextNormal() -> Float {
    var u1 = nextUniform()
    while u1 <= .leastNonzeroMagnitude { u1 = nextUniform() }
    let u2 = nextUniform()
    return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * .pi * u2)
  }

  /// The process-wide generator used when no seed or generator is given.
  static let global = Mutex(RandomGenerator(seed: 0x5EED))

  /// Runs `body` with exclusive access to the process-wide generator.
  static func withGlobal<T>(_ body: (inout RandomGenerator) -> T) -> T {
    global.withLock { body(&$0) }
  }
}

/// Reseeds the process-wide generator behind every default: layer initializers, `randn` and
/// `uniform`, dropout masks, the shuffling of a ``DataLoader`` and the sampling of
/// ``GPT/generate(prompt:maxNewTokens:temperature:topK:seed:useCache:)`` whenever no explicit
/// seed is given (like `torch.manual_seed`).
public func manualSeed(_ seed: UInt64) {
  RandomGenerator.global.withLock { $0 = RandomGenerator(seed: seed) }
}
