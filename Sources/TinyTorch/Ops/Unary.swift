import Foundation
import TTKernels

extension Tensor {
  /// Applies an elementwise kernel; `derivative(x, y)` gives dy/dx from input and output values.
  func unary(
    _ op: UnaryOp, traced: TracedOp, derivative: @escaping (Float, Float) -> Float
  ) -> Tensor {
    var out = [Float](repeating: 0, count: count)
    scalars.withUnsafeBufferPointer { x in
      out.withUnsafeMutableBufferPointer { o in
        Elementwise.unary(op, x.baseAddress!, o.baseAddress!, count: x.count)
      }
    }
    let input = self
    return Tensor.result(out, shape: shape, op: traced, inputs: [input]) { g in
      var dx = [Float](repeating: 0, count: g.count)
      for i in 0..<dx.count { dx[i] = g.scalars[i] * derivative(input.scalars[i], out[i]) }
      return [Tensor(uncheckedShape: input.shape, scalars: dx)]
    }
  }

  public static prefix func - (x: Tensor) -> Tensor {
    x.unary(.neg, traced: TracedOp("neg")) { _, _ in -1 }
  }
  /// `eˣ`.
  public func exp() -> Tensor { unary(.exp, traced: TracedOp("exp")) { _, y in y } }
  /// Natural logarithm.
  public func log() -> Tensor { unary(.log, traced: TracedOp("log")) { x, _ in 1 / x } }
  /// Square root.
  public func sqrt() -> Tensor { unary(.sqrt, traced: TracedOp("sqrt")) { _, y in 0.5 / y } }
  /// Absolute value (subgradient 0 at 0).
  public func abs() -> Tensor {
    unary(.abs, traced: TracedOp("abs")) { x, _ in x > 0 ? 1 : (x < 0 ? -1 : 0) }
  }
  /// Limits values to `[min, max]`; the gradient is zero where a bound is active.
  public func clamp(min lo: Float = -.infinity, max hi: Float = .infinity) -> Tensor {
    var attributes: [String: TracedAttribute] = [:]
    if lo > -.infinity { attributes["min"] = .float(Double(lo)) }
    if hi < .infinity { attributes["max"] = .float(Double(hi)) }
    return unary(.clamp(min: lo, max: hi), traced: TracedOp("clamp", attributes)) { x, _ in
      x >= lo && x <= hi ? 1 : 0
    }
  }

  // MARK: Activations

  /// `max(x, 0)`.
  public func relu() -> Tensor { unary(.relu, traced: TracedOp("relu")) { x, _ in x > 0 ? 1 : 0 } }
  /// `x` for positive inputs, `slope·x` otherwise.
  public func leakyRelu(slope: Float = 0.01) -> Tensor {
    unary(.leakyRelu(slope: slope), traced: TracedOp("leaky_relu", ["alpha": .float(Double(slope))])) {
      x, _ in x > 0 ? 1 : slope
    }
  }
  /// The logistic function, computed stably for large `|x|`.
  public func sigmoid() -> Tensor {
    unary(.sigmoid, traced: TracedOp("sigmoid")) { _, y in y * (1 - y) }
  }
  /// Hyperbolic tangent.
  public func tanh() -> Tensor { unary(.tanh, traced: TracedOp("tanh")) { _, y in 1 - y * y } }

  /// How ``gelu(approximation:)`` evaluates the Gaussian CDF.
  public enum GELUApproximation: String, Sendable {
    /// The exact form `x·Φ(x)` with `erf`.
    case none
    /// The tanh approximation `0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³)))`.
    case tanh
  }

  /// Gaussian error linear unit.
  public func gelu(approximation: GELUApproximation = .none) -> Tensor {
    let traced = TracedOp("gelu", ["approximate": .string(approximation.rawValue)])
    switch approximation {
    case .none:
      return unary(.geluErf, traced: traced) { x, _ in
        let cdf = 0.5 * (1 + erf(x * 0.70710678118654752))
        let pdf = Foundation.exp(-0.5 * x * x) * 0.39894228040143268
        return cdf + x * pdf
      }
    case .tanh:
      return unary(.geluTanh, traced: traced) { x, _ in
        let c: Float = 0.79788456080286536
        let inner = c * (x + 0.044715 * x * x * x)
        let t = Activation.fastTanh(inner)
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x * x)
      }
    }
  }
}
