import Foundation
import TTKernels

extension Tensor {
  /// Applies an elementwise kernel; the backward pass uses the kernel's derivative
  /// (`UnaryOp.derivative(_:_:)` in TTKernels).
  func unary(_ op: UnaryOp, traced: TracedOp) -> Tensor {
    let out = [Float](unsafeUninitializedCapacity: count) { o, initialized in
      scalars.withUnsafeBufferPointer { x in
        if let base = x.baseAddress { Elementwise.unary(op, base, o.baseAddress!, count: x.count) }
      }
      initialized = count
    }
    let input = self
    return Tensor.result(out, shape: shape, op: traced, inputs: [input]) { g in
      let dx = [Float](unsafeUninitializedCapacity: g.count) { dx, initialized in
        input.scalars.withUnsafeBufferPointer { x in
          out.withUnsafeBufferPointer { y in
            g.scalars.withUnsafeBufferPointer { dy in
              Elementwise.unaryGradient(
                op, x: x.baseAddress!, y: y.baseAddress!, dy: dy.baseAddress!, dx.baseAddress!,
                count: dy.count)
            }
          }
        }
        initialized = g.count
      }
      return [Tensor(uncheckedShape: input.shape, scalars: dx)]
    }
  }

  /// Negation.
  public static prefix func - (x: Tensor) -> Tensor {
    x.unary(.neg, traced: TracedOp("neg"))
  }
  /// `eˣ`.
  public func exp() -> Tensor { unary(.exp, traced: TracedOp("exp")) }
  /// Natural logarithm.
  public func log() -> Tensor { unary(.log, traced: TracedOp("log")) }
  /// Square root.
  public func sqrt() -> Tensor { unary(.sqrt, traced: TracedOp("sqrt")) }
  /// Absolute value (subgradient 0 at 0).
  public func abs() -> Tensor { unary(.abs, traced: TracedOp("abs")) }
  /// Limits values to `[min, max]`; the gradient is zero where a bound is active.
  public func clamp(min lo: Float = -.infinity, max hi: Float = .infinity) -> Tensor {
    var attributes: [String: TracedAttribute] = [:]
    if lo > -.infinity { attributes["min"] = .float(Double(lo)) }
    if hi < .infinity { attributes["max"] = .float(Double(hi)) }
    return unary(.clamp(min: lo, max: hi), traced: TracedOp("clamp", attributes))
  }

  // MARK: Activations

  /// `max(x, 0)`.
  public func relu() -> Tensor { unary(.relu, traced: TracedOp("relu")) }
  /// `x` for positive inputs, `slope·x` otherwise.
  public func leakyRelu(slope: Float = 0.01) -> Tensor {
    unary(.leakyRelu(slope: slope), traced: TracedOp("leaky_relu", ["alpha": .float(Double(slope))]))
  }
  /// The logistic function, computed stably for large `|x|`.
  public func sigmoid() -> Tensor {
    unary(.sigmoid, traced: TracedOp("sigmoid"))
  }
  /// Hyperbolic tangent.
  public func tanh() -> Tensor { unary(.tanh, traced: TracedOp("tanh")) }
  /// The Gauss error function; its derivative is `2/√π · e^(−x²)`.
  public func erf() -> Tensor { unary(.erf, traced: TracedOp("erf")) }

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
    return unary(approximation == .none ? .geluErf : .geluTanh, traced: traced)
  }
}
