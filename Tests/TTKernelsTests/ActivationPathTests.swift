import Foundation
import TTRuntime
import XCTest

@testable import TTKernels

/// The runtime's array activations and `exp` (`tt_activate_isa`) on every instruction-set path the
/// machine runs, over odd lengths, against libm; eager mode's kernels (`Elementwise.unary`) are the same
/// code as the best path.
final class ActivationPathTests: XCTestCase {
  static var paths: [tt_isa] {
    [TT_ISA_PORTABLE, TT_ISA_AVX2, TT_ISA_AVX512].filter { tt_isa_available($0) != 0 }
  }

  /// Each activation with its libm reference in Double.
  static let activations: [(UnaryOp, Gemm.Activation, @Sendable (Double) -> Double)] = [
    (.sigmoid, .sigmoid, { 1 / (1 + Foundation.exp(-$0)) }),
    (.tanh, .tanh, { Foundation.tanh($0) }),
    (
      .geluTanh, .geluTanh,
      { 0.5 * $0 * (1 + Foundation.tanh(0.7978845608028654 * ($0 + 0.044715 * $0 * $0 * $0))) }
    ),
    (.geluErf, .geluErf, { 0.5 * $0 * (1 + Foundation.erf($0 / 2.0.squareRoot())) }),
    (.exp, .exp, { Foundation.exp($0) }),
  ]

  func testEveryPathMatchesLibmOverOddLengths() {
    for length in [1, 3, 17, 63, 65, 257] {
      let x = (0..<length).map { Float($0) * 24 / Float(length) - 12 }
      for (op, activation, reference) in Self.activations {
        for path in Self.paths {
          var y = x
          tt_activate_isa(path, &y, Int64(length), activation.runtimeValue)
          for (v, out) in zip(x, y) {
            let exact = reference(Double(v))
            XCTAssertEqual(
              Double(out), exact, accuracy: 1e-6 * max(1, abs(exact)), "\(op) path \(path.rawValue) at \(v)")
          }
        }
        var eager = [Float](repeating: 0, count: length)
        Elementwise.unary(op, x, &eager, count: length)
        var best = x
        tt_activate(&best, Int64(length), activation.runtimeValue)
        XCTAssertEqual(eager, best, "\(op): eager mode runs the runtime's kernel")
        for (v, out) in zip(x, eager) {
          XCTAssertEqual(out, op.apply(v), accuracy: 1e-6 * max(1, abs(out)), "\(op) scalar form at \(v)")
        }
      }
    }
  }
}
