import XCTest

@testable import TinyTorch

/// Dropout in training mode: with a fixed seed the mask is fixed, so dropout is linear in x.
final class DropoutGradientTests: XCTestCase {
  func testTrainingModeWithAFixedMask() throws {
    let x = TestTensors.uniform([4, 6], seed: 1)
    assertGradientsMatch([x]) { try Dropout(0.4, seed: 42)($0[0]) }
    // The gradient is the mask itself: 0 or 1/(1-p).
    x.zeroGrad()
    let y = try Dropout(0.4, seed: 42)(x)
    try y.sum().backward()
    let keep: Float = 1 / 0.6
    for (g, (v, out)) in zip(x.grad!.scalars, zip(x.scalars, y.scalars)) {
      XCTAssertTrue(g == 0 || Swift.abs(g - keep) < 1e-6, "gradient \(g)")
      XCTAssertEqual(out, v * g, accuracy: 1e-6)
    }
    XCTAssertTrue(x.grad!.scalars.contains(0))
    XCTAssertTrue(x.grad!.scalars.contains { $0 != 0 })
  }

  func testEvaluationModeIsTheIdentity() throws {
    let x = TestTensors.uniform([3, 3], seed: 2)
    let dropout = Dropout(0.5, seed: 1)
    dropout.eval()
    XCTAssertEqual(try dropout(x).scalars, x.scalars)
    assertGradientsMatch([x]) { try dropout($0[0]) }
  }
}
