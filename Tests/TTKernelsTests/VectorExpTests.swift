import Foundation
import XCTest

@testable import TTKernels

/// The 16-lane `exp` and the vectorized tanh-GELU built on it.
final class VectorExpTests: XCTestCase {
  func testExpMatchesLibmAcrossTheFloatRange() {
    var worst: Double = 0
    var x: Float = -87
    while x < 88 {
      let lanes = SIMD16<Float>((0..<16).map { x + Float($0) * 0.0137 })
      let y = Activation.exp(lanes)
      for l in 0..<16 where lanes[l] <= 88 {
        let exact = Foundation.exp(Double(lanes[l]))
        worst = max(worst, abs(Double(y[l]) - exact) / exact)
      }
      x += 0.21
    }
    XCTAssertLessThan(worst, 5e-7)
    // Beyond the clamp the result stays finite and positive.
    let extreme = Activation.exp(SIMD16(repeating: 200))
    XCTAssertTrue(extreme[0].isFinite)
    XCTAssertGreaterThan(Activation.exp(SIMD16(repeating: -200))[0], 0)
  }

  func testGELUTanhKernelMatchesTheFormulaAtEveryPosition() {
    let count = 37  // two full vectors and a tail
    let x = (0..<count).map { Float($0) * 0.4 - 7.3 }
    var out = [Float](repeating: 0, count: count)
    Elementwise.unary(.geluTanh, x, &out, count: count)
    for (v, y) in zip(x, out) {
      let reference =
        0.5 * Double(v) * (1 + Foundation.tanh(0.7978845608 * (Double(v) + 0.044715 * pow(Double(v), 3))))
      XCTAssertEqual(Double(y), reference, accuracy: 1e-6 * max(1, abs(reference)))
      XCTAssertEqual(y, UnaryOp.geluTanh.apply(v), "element value must not depend on its position")
    }
  }
}
