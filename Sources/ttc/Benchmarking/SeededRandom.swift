/// A small deterministic random-number generator (64-bit LCG, Knuth's constants): the same seed
/// gives the same numbers on every machine, for benchmark inputs and generated weights.
struct SeededRandom {
  private var state: UInt64

  init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 1 }

  /// The next number, uniform in `[0, 1)`.
  mutating func next() -> Double {
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return Double(state >> 11) / Double(1 << 53)
  }

  /// `count` numbers uniform in `[-bound, bound)`, as Float.
  mutating func uniform(_ count: Int, bound: Double) -> [Float] {
    (0..<count).map { _ in Float((next() * 2 - 1) * bound) }
  }
}
