import XCTest

@testable import TinyTorch

/// The checker itself must catch a wrong backward rule and point at the offending element.
final class GradientCheckerTests: XCTestCase {
  func testDetectsAWrongBackwardRuleAndReportsTheWorstIndex() throws {
    let x = try Tensor(shape: [2, 3], scalars: [0.1, 0.2, 0.3, 0.4, 2.0, 0.6], requiresGrad: true)
    // y = x², with a deliberately wrong rule dy/dx = 2x + [0 except 1 at flat index 4].
    let mismatch = try GradientCheck.worstMismatch([x]) { inputs in
      let input = inputs[0]
      let values = input.scalars.map { $0 * $0 }
      return Tensor.result(values, shape: input.shape, op: TracedOp("square"), inputs: [input]) { g in
        var d = zip(g.scalars, input.scalars).map { 2 * $0 * $1 }
        d[4] += g.scalars[4]
        return [Tensor(uncheckedShape: input.shape, scalars: d)]
      }
    }
    let found = try XCTUnwrap(mismatch)
    XCTAssertEqual(found.input, 0)
    XCTAssertEqual(found.index, [1, 1])
    XCTAssertEqual(found.failures, 1)
    XCTAssertTrue(found.description.contains("[1, 1]"))
  }

  func testAcceptsACorrectRuleAndFlagsAMissingGradient() throws {
    let x = TestTensors.uniform([4], seed: 1)
    XCTAssertNil(try GradientCheck.worstMismatch([x]) { try $0[0] * $0[0] })
    // A function that reads x through a detached copy loses the gradient.
    let lost = try GradientCheck.worstMismatch([x]) { $0[0].detached().exp() }
    XCTAssertNotNil(lost)
  }
}
