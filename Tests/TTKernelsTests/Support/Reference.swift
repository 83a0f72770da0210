import XCTest

/// A small deterministic generator for kernel tests (no dependency on TinyTorch).
struct TestRandom {
  var state: UInt64

  init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

  /// A value in `[-1, 1)`.
  mutating func next() -> Float {
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return Float(state >> 40) / Float(1 << 23) - 1
  }

  mutating func values(_ count: Int) -> [Float] { (0..<count).map { _ in next() } }
}

/// Asserts two buffers agree within `absolute + relative·|expected|` element by element, and
/// reports the first disagreement.
func assertClose(
  _ actual: [Float], _ expected: [Float], absolute: Float = 1e-5, relative: Float = 1e-5,
  _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line
) {
  guard actual.count == expected.count else {
    XCTFail("count \(actual.count) != \(expected.count) \(message())", file: file, line: line)
    return
  }
  for i in actual.indices
  where !(Swift.abs(actual[i] - expected[i]) <= absolute + relative * Swift.abs(expected[i])) {
    XCTFail("element \(i): \(actual[i]) != \(expected[i]) \(message())", file: file, line: line)
    return
  }
}
