import Foundation
import TTRuntime

/// Elementwise functions of one tensor.
public enum UnaryOp: Hashable, Sendable {
  case neg, exp, log, sqrt, abs, square, reciprocal, sin, cos
  case relu, sigmoid, tanh
  /// The Gauss error function.
  case erf
  /// GELU with the exact `erf` form: `x·Φ(x)`.
  case geluErf
  /// GELU with the tanh approximation of Hendrycks & Gimpel.
  case geluTanh
  case leakyRelu(slope: Float)
  case clamp(min: Float, max: Float)
  case powScalar(Float)
  case mulScalar(Float)
  case addScalar(Float)

  /// Applies the function to one value.
  @inlinable
  public func apply(_ x: Float) -> Float {
    switch self {
    case .neg: return -x
    case .exp: return tt_expf(x)
    case .log: return Foundation.log(x)
    case .sqrt: return x.squareRoot()
    case .abs: return Swift.abs(x)
    case .square: return x * x
    case .reciprocal: return 1 / x
    case .sin: return Foundation.sin(x)
    case .cos: return Foundation.cos(x)
    case .relu: return x > 0 ? x : 0
    case .sigmoid: return tt_sigmoidf(x)
    case .tanh: return tt_tanhf(x)
    case .erf: return Foundation.erf(x)
    case .geluErf: return tt_gelu_erf(x)
    case .geluTanh: return tt_gelu_tanh(x)
    case .leakyRelu(let slope): return x > 0 ? x : slope * x
    // As the C backend writes it (docs/IR.md): NaN stays NaN.
    case .clamp(let lo, let hi):
      let low = x < lo ? lo : x
      return low > hi ? hi : low
    case .powScalar(let p):
      if p == 2 { return x * x }
      if p == 1 { return x }
      if p == 0.5 { return x.squareRoot() }
      return Foundation.pow(x, p)
    case .mulScalar(let s): return x * s
    case .addScalar(let s): return x + s
    }
  }
}

extension UnaryOp {
  /// The derivative `dy/dx` at input `x` with output `y = apply(x)` (used by backward passes).
  /// Piecewise functions use the subgradient of PyTorch: 0 at the kink for relu and abs, the
  /// pass-through side for clamp bounds inclusive.
  @inlinable
  public func derivative(_ x: Float, _ y: Float) -> Float {
    switch self {
    case .neg: return -1
    case .exp: return y
    case .log: return 1 / x
    case .sqrt: return 0.5 / y
    case .abs: return x > 0 ? 1 : (x < 0 ? -1 : 0)
    case .square: return 2 * x
    case .reciprocal: return -y * y
    case .sin: return Foundation.cos(x)
    case .cos: return -Foundation.sin(x)
    case .relu: return x > 0 ? 1 : 0
    case .sigmoid: return y * (1 - y)
    case .tanh: return 1 - y * y
    case .erf: return 1.12837916709551257 * tt_expf(-x * x)
    case .geluErf:
      let cdf = 0.5 * (1 + Foundation.erf(x * 0.70710678118654752))
      let pdf = tt_expf(-0.5 * x * x) * 0.39894228040143268
      return cdf + x * pdf
    case .geluTanh:
      let c: Float = 0.79788456080286536
      let t = tt_tanhf(c * (x + 0.044715 * x * x * x))
      return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x * x)
    case .leakyRelu(let slope): return x > 0 ? 1 : slope
    case .clamp(let lo, let hi): return x >= lo && x <= hi ? 1 : 0
    case .powScalar(let p): return p == 0 ? 0 : p * Foundation.pow(x, p - 1)
    case .mulScalar(let s): return s
    case .addScalar: return 1
    }
  }
}

/// Scalar activation helpers.
public enum Activation {
  /// Logistic sigmoid: the kernel library's `tt_sigmoidf` (Runtime/include/tt_runtime.h), the one
  /// implementation every engine uses.
  @inlinable
  public static func sigmoid(_ x: Float) -> Float { tt_sigmoidf(x) }
}

/// Elementwise functions of two tensors (NumPy broadcasting). Comparisons give 1 or 0.
public enum BinaryOp: String, CaseIterable, Sendable {
  case add, sub, mul, div, pow, maximum, minimum
  case equal, notEqual, less, lessEqual, greater, greaterEqual
  /// The remainder with the sign of the divisor (Python's `%`).
  case mod
  /// The remainder with the sign of the dividend (C's `fmod`).
  case fmod

  /// Applies the function to one pair of values.
  @inlinable
  public func apply(_ a: Float, _ b: Float) -> Float {
    switch self {
    case .add: return a + b
    case .sub: return a - b
    case .mul: return a * b
    case .div: return a / b
    case .pow: return b == 2 ? a * a : Foundation.pow(a, b)
    // NaN propagates (docs/IR.md): `a` when it is NaN or wins, else `b`, as the C backend writes it.
    case .maximum: return a > b || a.isNaN ? a : b
    case .minimum: return a < b || a.isNaN ? a : b
    case .equal: return a == b ? 1 : 0
    case .notEqual: return a != b ? 1 : 0
    case .less: return a < b ? 1 : 0
    case .lessEqual: return a <= b ? 1 : 0
    case .greater: return a > b ? 1 : 0
    case .greaterEqual: return a >= b ? 1 : 0
    case .mod:
      let r = Foundation.fmod(a, b)
      return r != 0 && (r < 0) != (b < 0) ? r + b : r
    case .fmod: return Foundation.fmod(a, b)
    }
  }
}

/// Elementwise kernels.
public enum Elementwise {
  /// `out[i] = op(x[i])` for `count` elements.
  public static func unary(
    _ op: UnaryOp, _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, count: Int
  ) {
    switch op {
    case .relu:
      for i in 0..<count { out[i] = x[i] > 0 ? x[i] : 0 }
    case .neg:
      for i in 0..<count { out[i] = -x[i] }
    case .square:
      for i in 0..<count { out[i] = x[i] * x[i] }
    case .mulScalar(let s):
      for i in 0..<count { out[i] = x[i] * s }
    case .addScalar(let s):
      for i in 0..<count { out[i] = x[i] + s }
    case .exp, .sigmoid, .tanh, .geluTanh, .geluErf:
      // The kernel library's vectorized activations (`tt_activate`: the functions compiled
      // models and the GEMM epilogue apply), in place on the output.
      let activation: Gemm.Activation =
        switch op {
        case .exp: .exp
        case .sigmoid: .sigmoid
        case .tanh: .tanh
        case .geluTanh: .geluTanh
        default: .geluErf
        }
      if UnsafePointer(out) != x { out.update(from: x, count: count) }
      tt_activate(out, Int64(count), activation.runtimeValue)
    default:
      for i in 0..<count { out[i] = op.apply(x[i]) }
    }
  }

  /// The backward pass of a unary function: `dx[i] = dy[i] · op′(x[i])`, where `y` holds
  /// the forward outputs (see ``UnaryOp/derivative(_:_:)``).
  public static func unaryGradient(
    _ op: UnaryOp, x: UnsafePointer<Float>, y: UnsafePointer<Float>, dy: UnsafePointer<Float>,
    _ dx: UnsafeMutablePointer<Float>, count: Int
  ) {
    switch op {
    case .relu:
      for i in 0..<count { dx[i] = x[i] > 0 ? dy[i] : 0 }
    case .tanh:
      for i in 0..<count { dx[i] = dy[i] * (1 - y[i] * y[i]) }
    case .sigmoid:
      for i in 0..<count { dx[i] = dy[i] * y[i] * (1 - y[i]) }
    default:
      for i in 0..<count { dx[i] = dy[i] * op.derivative(x[i], y[i]) }
    }
  }

  /// `out = op(a, b)` with NumPy broadcasting; `outShape` must be the broadcast shape.
  public static func binary(
    _ op: BinaryOp,
    _ a: UnsafePointer<Float>, _ aShape: [Int],
    _ b: UnsafePointer<Float>, _ bShape: [Int],
    _ out: UnsafeMutablePointer<Float>, _ outShape: [Int]
  ) {
    let n = ShapeMath.count(outShape)
    if n == 0 { return }
    let aCount = ShapeMath.count(aShape)
    let bCount = ShapeMath.count(bShape)
    if aCount == n && bCount == n {
      binaryLoop(op, a, 1, b, 1, out, n)
      return
    }
    if bCount == 1 && aCount == n {
      binaryLoop(op, a, 1, b, 0, out, n)
      return
    }
    if aCount == 1 && bCount == n {
      binaryLoop(op, a, 0, b, 1, out, n)
      return
    }
    // General case: walk the outer axes with an odometer, run the innermost axis as a loop.
    let rank = outShape.count
    let sa = ShapeMath.broadcastStrides(aShape, to: outShape)
    let sb = ShapeMath.broadcastStrides(bShape, to: outShape)
    let inner = outShape[rank - 1]
    let outer = n / inner
    var index = [Int](repeating: 0, count: rank)
    var offA = 0
    var offB = 0
    for o in 0..<outer {
      binaryLoop(op, a + offA, sa[rank - 1], b + offB, sb[rank - 1], out + o * inner, inner)
      // Advance the odometer over axes 0..<rank-1.
      var axis = rank - 2
      while axis >= 0 {
        index[axis] += 1
        offA += sa[axis]
        offB += sb[axis]
        if index[axis] < outShape[axis] { break }
        offA -= sa[axis] * outShape[axis]
        offB -= sb[axis] * outShape[axis]
        index[axis] = 0
        axis -= 1
      }
    }
  }

  @inline(__always)
  static func binaryLoop(
    _ op: BinaryOp,
    _ a: UnsafePointer<Float>, _ strideA: Int,
    _ b: UnsafePointer<Float>, _ strideB: Int,
    _ out: UnsafeMutablePointer<Float>, _ n: Int
  ) {
    switch (op, strideA, strideB) {
    case (.add, 1, 1): for i in 0..<n { out[i] = a[i] + b[i] }
    case (.add, 1, 0): let s = b[0]; for i in 0..<n { out[i] = a[i] + s }
    case (.sub, 1, 1): for i in 0..<n { out[i] = a[i] - b[i] }
    case (.sub, 1, 0): let s = b[0]; for i in 0..<n { out[i] = a[i] - s }
    case (.mul, 1, 1): for i in 0..<n { out[i] = a[i] * b[i] }
    case (.mul, 1, 0): let s = b[0]; for i in 0..<n { out[i] = a[i] * s }
    case (.mul, 0, 1): let s = a[0]; for i in 0..<n { out[i] = s * b[i] }
    case (.div, 1, 1): for i in 0..<n { out[i] = a[i] / b[i] }
    case (.div, 1, 0): let s = b[0]; for i in 0..<n { out[i] = a[i] / s }
    default:
      for i in 0..<n { out[i] = op.apply(a[i * strideA], b[i * strideB]) }
    }
  }

  /// Sums `grad` (of shape `from`) down to `to`, undoing a broadcast. `to` must broadcast to `from`.
  public static func reduceToShape(
    _ grad: UnsafePointer<Float>, from: [Int], _ out: UnsafeMutablePointer<Float>, to: [Int]
  ) {
    let n = ShapeMath.count(from)
    let m = ShapeMath.count(to)
    out.update(repeating: 0, count: m)
    if n == 0 { return }
    if m == n {
      out.update(from: grad, count: n)
      return
    }
    if m == 1 {
      var s: Float = 0
      for i in 0..<n { s += grad[i] }
      out[0] = s
      return
    }
    let rank = from.count
    let st = ShapeMath.broadcastStrides(to, to: from)
    let inner = from[rank - 1]
    let innerStride = st[rank - 1]
    var index = [Int](repeating: 0, count: rank)
    var off = 0
    for o in 0..<(n / inner) {
      let g = grad + o * inner
      if innerStride == 0 {
        var s: Float = 0
        for i in 0..<inner { s += g[i] }
        out[off] += s
      } else {
        for i in 0..<inner { out[off + i] += g[i] }
      }
      var axis = rank - 2
      while axis >= 0 {
        index[axis] += 1
        off += st[axis]
        if index[axis] < from[axis] { break }
        off -= st[axis] * from[axis]
        index[axis] = 0
        axis -= 1
      }
    }
  }
}
