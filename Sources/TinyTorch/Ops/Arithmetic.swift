import Foundation
import TTKernels

extension Tensor {
  /// Applies a broadcasting binary kernel and records its backward rule.
  func binary(_ op: BinaryOp, _ other: Tensor) throws -> Tensor {
    // Equal shapes share the input's shape array (no broadcast computed, nothing allocated).
    guard let outShape = shape == other.shape ? shape : ShapeMath.broadcast(shape, other.shape) else {
      throw TensorError.shapeMismatch(op: op.rawValue, shape, other.shape)
    }
    var out = [Float](repeating: 0, count: ShapeMath.count(outShape))
    scalars.withUnsafeBufferPointer { a in
      other.scalars.withUnsafeBufferPointer { b in
        out.withUnsafeMutableBufferPointer { o in
          Elementwise.binary(op, a.baseAddress!, shape, b.baseAddress!, other.shape, o.baseAddress!, outShape)
        }
      }
    }
    let (a, b) = (self, other)
    let backward =
      op.isDifferentiable && Tensor.recordsGradient(a, b)
      ? Tensor.binaryBackward(op, a, b, out: out, outShape: outShape) : nil
    return Tensor.result(out, shape: outShape, op: TracedOp(op.rawValue), inputs: [a, b], backward: backward)
  }

  /// The backward rule of `a op b` (whose result `out` has shape `outShape`).
  private static func binaryBackward(
    _ op: BinaryOp, _ a: Tensor, _ b: Tensor, out: [Float], outShape: [Int]
  ) -> (Tensor) throws -> [Tensor?] {
    { g in
      switch op {
      case .add:
        return [try g.sumToShape(a.shape), try g.sumToShape(b.shape)]
      case .sub:
        return [try g.sumToShape(a.shape), try (-g).sumToShape(b.shape)]
      case .mul:
        return [
          a.requiresGrad ? try (g * b).sumToShape(a.shape) : nil,
          b.requiresGrad ? try (g * a).sumToShape(b.shape) : nil,
        ]
      case .div:
        return [
          a.requiresGrad ? try (g / b).sumToShape(a.shape) : nil,
          b.requiresGrad ? try (-(g * a) / (b * b)).sumToShape(b.shape) : nil,
        ]
      case .pow:
        // d/da a^b = b·a^(b−1), taken as 0 where b = 0 (so 0^0 has no 0·∞);
        // d/db a^b = a^b·ln a, taken as 0 where a = 0 and b ≥ 0 (as PyTorch does).
        let (base, exponent) = (try a.expanded(to: outShape).scalars, try b.expanded(to: outShape).scalars)
        var da = [Float](repeating: 0, count: out.count)
        var db = [Float](repeating: 0, count: out.count)
        for i in 0..<out.count {
          let (x, p, gi) = (base[i], exponent[i], g.scalars[i])
          if p != 0 { da[i] = gi * p * BinaryOp.pow.apply(x, p - 1) }
          if x != 0 || p < 0 { db[i] = gi * out[i] * Foundation.log(x) }
        }
        return [
          a.requiresGrad ? try Tensor(uncheckedShape: outShape, scalars: da).sumToShape(a.shape) : nil,
          b.requiresGrad ? try Tensor(uncheckedShape: outShape, scalars: db).sumToShape(b.shape) : nil,
        ]
      case .maximum, .minimum:
        // The gradient goes to the selected operand (to `a` on ties).
        let pickA = try a.binary(op == .maximum ? .greaterEqual : .lessEqual, b)
        return [
          try (g * pickA).sumToShape(a.shape),
          try (g * (1 - pickA)).sumToShape(b.shape),
        ]
      case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual, .mod, .fmod:
        return [nil, nil]  // piecewise constant: no backward rule is recorded (isDifferentiable)
      }
    }
  }

  /// Sums a gradient over broadcast axes so it matches `target` (the inverse of broadcasting).
  func sumToShape(_ target: [Int]) throws -> Tensor {
    if target == shape { return self }
    guard ShapeMath.broadcast(target, shape) == shape else {
      throw TensorError.shapeMismatch(op: "sumToShape", shape, target)
    }
    var out = [Float](repeating: 0, count: ShapeMath.count(target))
    scalars.withUnsafeBufferPointer { g in
      out.withUnsafeMutableBufferPointer { o in
        Elementwise.reduceToShape(g.baseAddress!, from: shape, o.baseAddress!, to: target)
      }
    }
    return Tensor(uncheckedShape: target, scalars: out)
  }

  /// Elementwise sum with broadcasting.
  public static func + (a: Tensor, b: Tensor) throws -> Tensor { try a.binary(.add, b) }
  /// Elementwise difference with broadcasting.
  public static func - (a: Tensor, b: Tensor) throws -> Tensor { try a.binary(.sub, b) }
  /// Elementwise product with broadcasting.
  public static func * (a: Tensor, b: Tensor) throws -> Tensor { try a.binary(.mul, b) }
  /// Elementwise quotient with broadcasting.
  public static func / (a: Tensor, b: Tensor) throws -> Tensor { try a.binary(.div, b) }
  /// Elementwise power with broadcasting.
  public static func ** (a: Tensor, b: Tensor) throws -> Tensor { try a.binary(.pow, b) }

  // Scalars on either side broadcast like rank-0 tensors; these cannot fail.
  /// Adds `b` to every element.
  public static func + (a: Tensor, b: Float) -> Tensor { try! a.binary(.add, Tensor(b)) }
  /// Adds `a` to every element.
  public static func + (a: Float, b: Tensor) -> Tensor { try! Tensor(a).binary(.add, b) }
  /// Subtracts `b` from every element.
  public static func - (a: Tensor, b: Float) -> Tensor { try! a.binary(.sub, Tensor(b)) }
  /// `a` minus every element.
  public static func - (a: Float, b: Tensor) -> Tensor { try! Tensor(a).binary(.sub, b) }
  /// Multiplies every element by `b`.
  public static func * (a: Tensor, b: Float) -> Tensor { try! a.binary(.mul, Tensor(b)) }
  /// Multiplies every element by `a`.
  public static func * (a: Float, b: Tensor) -> Tensor { try! Tensor(a).binary(.mul, b) }
  /// Divides every element by `b`.
  public static func / (a: Tensor, b: Float) -> Tensor { try! a.binary(.div, Tensor(b)) }
  /// `a` divided by every element.
  public static func / (a: Float, b: Tensor) -> Tensor { try! Tensor(a).binary(.div, b) }
  /// Raises every element to the power `b`.
  public static func ** (a: Tensor, b: Float) -> Tensor { try! a.binary(.pow, Tensor(b)) }

  /// Elementwise maximum with broadcasting.
  public func maximum(_ other: Tensor) throws -> Tensor { try binary(.maximum, other) }
  /// Elementwise minimum with broadcasting.
  public func minimum(_ other: Tensor) throws -> Tensor { try binary(.minimum, other) }

  // Comparisons give 1 where true and 0 elsewhere, with broadcasting; they carry no gradient.
  /// 1 where `self == other`.
  public func eq(_ other: Tensor) throws -> Tensor { try binary(.equal, other) }
  /// 1 where `self != other`.
  public func ne(_ other: Tensor) throws -> Tensor { try binary(.notEqual, other) }
  /// 1 where `self < other`.
  public func lt(_ other: Tensor) throws -> Tensor { try binary(.less, other) }
  /// 1 where `self <= other`.
  public func le(_ other: Tensor) throws -> Tensor { try binary(.lessEqual, other) }
  /// 1 where `self > other`.
  public func gt(_ other: Tensor) throws -> Tensor { try binary(.greater, other) }
  /// 1 where `self >= other`.
  public func ge(_ other: Tensor) throws -> Tensor { try binary(.greaterEqual, other) }
  /// 1 where an element equals `value`.
  public func eq(_ value: Float) -> Tensor { try! binary(.equal, Tensor(value)) }
  /// 1 where an element is below `value`.
  public func lt(_ value: Float) -> Tensor { try! binary(.less, Tensor(value)) }
  /// 1 where an element is above `value`.
  public func gt(_ value: Float) -> Tensor { try! binary(.greater, Tensor(value)) }
}

/// Exponentiation binds tighter than multiplication, as in mathematics.
precedencegroup PowerPrecedence {
  higherThan: MultiplicationPrecedence
  associativity: right
}
infix operator ** : PowerPrecedence

extension BinaryOp {
  /// Whether the operation has a gradient (comparisons and remainders are piecewise constant).
  var isDifferentiable: Bool {
    switch self {
    case .add, .sub, .mul, .div, .pow, .maximum, .minimum: true
    case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual, .mod, .fmod: false
    }
  }
}
