/// Deterministic pseudo-random floats in `[-1, 1)` from a 64-bit linear congruential generator,
/// for tests that must not depend on any library's random numbers.
public func randomFloats(_ count: Int, seed: UInt64) -> [Float] {
  var state = seed &+ 0x9E37_79B9_7F4A_7C15
  return (0..<count).map { _ in
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return Float(state >> 40) / Float(1 << 23) - 1
  }
}
