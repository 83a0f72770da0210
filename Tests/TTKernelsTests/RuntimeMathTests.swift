import Foundation
import TTRuntime
import XCTest

/// The runtime's vectorizable math (tt_expf, tt_tanhf, tt_sigmoidf, tt_erff, used by compiled
/// models and the GEMM epilogue) against libm in Double over a dense sweep of [−20, 20] plus the
/// clamp regions and special values.
final class RuntimeMathTests: XCTestCase {
  /// Every 1/1024 in [−20, 20], plus far values.
  static let sweep: [Float] =
    stride(from: -20480, through: 20480, by: 1).map { Float($0) / 1024 } + [
      -1e30, -1000, -88, -87.5, 87.5, 88.5, 1000, 1e30, 1e-30, -1e-30, 1e-7, -1e-7,
    ]

  /// The worst error of `f` against `reference`, as |f − ref| / max(|ref|, floor).
  func worstError(_ f: (Float) -> Float, _ reference: (Double) -> Double, floor: Double) -> (Double, Float) {
    var worst = (0.0, Float(0))
    for x in Self.sweep {
      let exact = reference(Double(x))
      let error = abs(Double(f(x)) - exact) / max(abs(exact), floor)
      if error > worst.0 { worst = (error, x) }
    }
    return worst
  }

  func testExpIsWithinAFewUlpsOfLibm() {
    // Relative error over the normal range; beyond it e^x overflows to inf and underflows through
    // the subnormals to 0, like libm (docs/IR.md).
    var worst = 0.0
    for x in Self.sweep where x > -87 && x < 88 {
      let exact = Foundation.exp(Double(x))
      worst = max(worst, abs(Double(tt_expf(x)) - exact) / exact)
    }
    XCTAssertLessThan(worst, 3e-7)  // about 2.5 ulp
    XCTAssertEqual(tt_expf(1000), .infinity)
    XCTAssertEqual(tt_expf(88.7), Float(Foundation.exp(88.7)), accuracy: 1e-5 * 3.4e38)  // finite just below
    XCTAssertTrue(tt_expf(.nan).isNaN)
    XCTAssertEqual(tt_expf(-1000), 0)
    for x: Float in [-87.5, -90, -95, -100, -103.5] {  // subnormal results, as libm's
      XCTAssertEqual(tt_expf(x), Foundation.exp(x), accuracy: Foundation.exp(x) * 1e-4 + 1e-45, "\(x)")
    }
    XCTAssertEqual(tt_expf(0), 1)
  }

  func testTanhSigmoidAndErfMatchLibm() {
    let tanhError = worstError(tt_tanhf, Foundation.tanh, floor: 1e-30)
    XCTAssertLessThan(tanhError.0, 3e-7, "tanh at \(tanhError.1)")
    let sigmoidError = worstError(tt_sigmoidf, { 1 / (1 + Foundation.exp(-$0)) }, floor: 1e-30)
    XCTAssertLessThan(sigmoidError.0, 3e-7, "sigmoid at \(sigmoidError.1)")
    // erf: absolute error (A&S 7.1.26 is an absolute approximation), relative near 0.
    let erfAbsolute = worstError(tt_erff, Foundation.erf, floor: 1)
    XCTAssertLessThan(erfAbsolute.0, 3e-7, "erf at \(erfAbsolute.1)")
    var erfRelative = 0.0
    for x in Self.sweep where abs(x) < 0.5 && x != 0 {
      erfRelative = max(
        erfRelative, abs(Double(tt_erff(x)) - Foundation.erf(Double(x))) / abs(Foundation.erf(Double(x))))
    }
    XCTAssertLessThan(erfRelative, 1e-6)
    XCTAssertEqual(tt_erff(0), 0)
    XCTAssertEqual(tt_erff(100), 1)
    XCTAssertEqual(tt_erff(-100), -1)
    XCTAssertEqual(tt_tanhf(-100), -1)
  }

  /// The worst error of `f` over every 1/4096 in [−16, 16] (beyond, GELU is x or flushed), in ulps
  /// of `reference` (in Double) divided by `conditioning(x)`; results of `reference` below 1e-37
  /// must come out below 1.2e-37 (flushed to 0).
  func worstGELUError(
    _ f: (Float) -> Float, _ reference: (Double) -> Double, conditioning: (Double) -> Double
  ) -> (ulps: Double, at: Float) {
    var worst = (ulps: 0.0, at: Float(0))
    for i in -65536...65536 {
      let x = Float(i) / 4096
      let exact = reference(Double(x))
      guard abs(exact) >= 1e-37 else {
        XCTAssertLessThanOrEqual(abs(f(x)), 1.2e-37, "\(x)")
        continue
      }
      let ulp = Double(Float(abs(exact)).nextUp - Float(abs(exact)))
      let error = abs(Double(f(x)) - exact) / ulp / conditioning(Double(x))
      if error > worst.ulps { worst = (error, x) }
    }
    return worst
  }

  func testGELUFormsAreWithinAFewUlpsOfTheirDefinitions() {
    // Erf form: 0.5·x·erfc(−x/√2) (no cancellation for x < 0), within 10 ulp everywhere.
    let erfForm = worstGELUError(
      tt_gelu_erf, { 0.5 * $0 * Foundation.erfc(-$0 / 2.0.squareRoot()) }, conditioning: { _ in 1 })
    XCTAssertLessThanOrEqual(erfForm.ulps, 10, "gelu_erf at \(erfForm.at)")
    // Tanh form: 0.5·x·(1 + tanh(u)) = x / (1 + e^(−2u)); the rounding of 2u in float is
    // amplified by the exponential, so the bound is 4 ulp per unit of max(1, |2u|).
    func twoU(_ v: Double) -> Double { 2 * 0.7978845608028654 * (v + 0.044715 * v * v * v) }
    let tanhForm = worstGELUError(
      tt_gelu_tanh, { $0 / (1 + Foundation.exp(-twoU($0))) }, conditioning: { max(1, abs(twoU($0))) })
    XCTAssertLessThanOrEqual(tanhForm.ulps, 4, "gelu_tanh at \(tanhForm.at)")
    // Special values, as 0.5·x·(1 + …) gives them: −∞ → NaN (0·−∞), +∞ → +∞, NaN → NaN, signed 0.
    for gelu in [tt_gelu_erf, tt_gelu_tanh] as [(Float) -> Float] {
      XCTAssertEqual(gelu(.infinity), .infinity)
      XCTAssertTrue(gelu(-.infinity).isNaN)
      XCTAssertTrue(gelu(.nan).isNaN)
      XCTAssertEqual(gelu(0).bitPattern, Float(0).bitPattern)
      XCTAssertEqual(gelu(-0.0).bitPattern, Float(-0.0).bitPattern)
      XCTAssertEqual(gelu(-100).bitPattern, Float(-0.0).bitPattern)
      XCTAssertEqual(gelu(3e38), 3e38)
      XCTAssertEqual(gelu(-3e38).bitPattern, Float(-0.0).bitPattern)
      XCTAssertEqual(gelu(1e-30), 5e-31)
    }
  }
}
