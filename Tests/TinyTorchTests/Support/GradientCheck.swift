import XCTest

@testable import TinyTorch

/// Finite-difference gradient checking for autograd tests.
///
/// The function under test maps the input tensors to an output tensor `y` of any shape. It is
/// reduced to the scalar objective `L = Σ wᵢ·yᵢ` with fixed random weights `w` (seeded), so every
/// output element contributes with a distinct weight: a plain `Σ y` would hide errors in ops
/// whose outputs sum to a constant (softmax). The analytic gradient comes from
/// `y.backward(seed: w)`; the numeric one from central differences:
///
///     ∂L/∂xⱼ ≈ (L(xⱼ + ε) − L(xⱼ − ε)) / (x⁺ⱼ − x⁻ⱼ)
///
/// The function itself runs in Float32, but `L` is accumulated in Double and the denominator is
/// the actually representable step `x⁺ − x⁻` (not `2ε`). Two errors remain: truncation,
/// `ε²·f'''/6`, and the Float32 rounding of the outputs, which moves `L` by about
/// `u·‖w ⊙ y‖₂` (`u = 2⁻²⁴`, independent roundings) and the quotient by that over `ε`.
///
/// **Tolerance rule.** An element passes when
/// `|analytic − numeric| ≤ atol + rtol · max(|analytic|, |numeric|) + 8·u·‖w ⊙ y‖₂ / ε`.
/// With the defaults `ε = 1e-2`, `atol = 1e-3`, `rtol = 1e-2`, truncation is ~2e-5·f''' and the
/// rounding term (the last one, which grows with the size of the output) is ~1e-5 for a dozen
/// outputs of magnitude 1 and ~3e-4 for a thousand: all inside the tolerance, while a wrong
/// backward rule is typically off by O(1) relative. Halving ε halves the truncation error and
/// doubles the rounding term.
/// Inputs must stay more than `ε` away from kinks (relu at 0, abs at 0, clamp bounds, ties of
/// max/min) and from domain edges (log, sqrt at 0); the test helpers build such inputs.
enum GradientCheck {
  /// One input element whose analytic and numeric gradients disagree.
  struct Mismatch: CustomStringConvertible {
    /// Position of the input in the list given to the checker.
    var input: Int
    /// Shape of that input.
    var shape: [Int]
    /// Multi-dimensional index of the element.
    var index: [Int]
    var analytic: Double
    var numeric: Double
    /// How far past its tolerance the element is (`|Δ| / tolerance`; > 1 fails).
    var excess: Double
    /// How many elements of all inputs failed.
    var failures: Int

    var description: String {
      "input #\(input) (shape \(shape)) at index \(index): analytic \(analytic) vs numeric "
        + "\(numeric) (|Δ| = \(Swift.abs(analytic - numeric)), \(String(format: "%.1f", excess))× "
        + "the tolerance); \(failures) element(s) failed in all"
    }
  }

  /// Compares analytic and numeric gradients of `function` for every input that requires grad.
  /// Returns the worst failing element, or nil when all agree.
  static func worstMismatch(
    _ inputs: [Tensor], eps: Double = 1e-2, atol: Double = 1e-3, rtol: Double = 1e-2,
    seed: UInt64 = 0x6AD,
    _ function: ([Tensor]) throws -> Tensor
  ) throws -> Mismatch? {
    for x in inputs { x.zeroGrad() }
    let y = try function(inputs)
    var generator = RandomGenerator(seed: seed)
    let weights = Tensor.randn(y.shape, using: &generator)
    if y.requiresGrad { try y.backward(seed: weights) }
    let weighted = zip(y.scalars, weights.scalars).reduce(0.0) { $0 + pow(Double($1.0) * Double($1.1), 2) }
    let roundingFloor = 8 * 0x1p-24 * weighted.squareRoot() / eps

    func objective() throws -> Double {
      let out = try withNoGrad { try function(inputs) }
      var total: Double = 0
      for (v, w) in zip(out.scalars, weights.scalars) { total += Double(v) * Double(w) }
      return total
    }

    var worst: Mismatch? = nil
    var failures = 0
    for (k, x) in inputs.enumerated() where x.requiresGrad {
      let analytic = x.grad?.scalars ?? [Float](repeating: 0, count: x.count)
      let strides = (0..<x.rank).map { x.shape[($0 + 1)...].reduce(1, *) }
      for j in 0..<x.count {
        let original = x.scalars[j]
        let plus = Float(Double(original) + eps)
        let minus = Float(Double(original) - eps)
        x.updateScalars { $0[j] = plus }
        let up = try objective()
        x.updateScalars { $0[j] = minus }
        let down = try objective()
        x.updateScalars { $0[j] = original }
        let numeric = (up - down) / (Double(plus) - Double(minus))
        let a = Double(analytic[j])
        let tolerance = atol + rtol * Swift.max(Swift.abs(a), Swift.abs(numeric)) + roundingFloor
        let excess = Swift.abs(a - numeric) / tolerance
        guard excess > 1 || a.isNaN || numeric.isNaN else { continue }
        failures += 1
        if worst == nil || excess > worst!.excess || excess.isNaN {
          let index = strides.enumerated().map { axis, s in (j / s) % x.shape[axis] }
          worst = Mismatch(
            input: k, shape: x.shape, index: index, analytic: a, numeric: numeric,
            excess: excess.isNaN ? .infinity : excess, failures: 0)
        }
      }
    }
    worst?.failures = failures
    return worst
  }
}

/// Asserts that the autograd gradients of `function` match central finite differences for every
/// input that requires grad (see ``GradientCheck`` for the tolerance rule).
func assertGradientsMatch(
  _ inputs: [Tensor], eps: Double = 1e-2, atol: Double = 1e-3, rtol: Double = 1e-2,
  _ message: @autoclosure () -> String = "",
  file: StaticString = #filePath, line: UInt = #line,
  _ function: ([Tensor]) throws -> Tensor
) {
  XCTAssertTrue(
    inputs.contains { $0.requiresGrad }, "no input requires grad: nothing checked", file: file,
    line: line)
  do {
    if let mismatch = try GradientCheck.worstMismatch(
      inputs, eps: eps, atol: atol, rtol: rtol, function)
    {
      let context = message()
      XCTFail(
        "gradient mismatch\(context.isEmpty ? "" : " (\(context))"): \(mismatch)", file: file,
        line: line)
    }
  } catch {
    XCTFail("gradient check threw: \(error)", file: file, line: line)
  }
}
