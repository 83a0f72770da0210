import TTIR
import TTKernels

extension Tensor {
  /// Matrix product. 2-D operands multiply as matrices; higher ranks are batches of matrices
  /// whose leading (batch) axes broadcast. A 1-D left operand is treated as a row vector and a
  /// 1-D right operand as a column vector (that axis is dropped from the result), as in NumPy.
  public func matmul(_ other: Tensor) throws -> Tensor {
    let a = rank == 1 ? try unsqueezed(axis: 0) : self
    let b = other.rank == 1 ? try other.unsqueezed(axis: 1) : other
    guard a.rank >= 2, b.rank >= 2, let outShape = MatMul.outputShape(a.shape, b.shape) else {
      throw TensorError.invalidArgument(
        "matmul: shapes \(shape) and \(other.shape) are not compatible (inner dimensions "
          + "\(shape.last ?? 0) and \(other.rank >= 2 ? other.shape[other.rank - 2] : other.shape.first ?? 0) "
          + "must match, batch dimensions must broadcast)")
    }
    var product = Tensor.matmul(a, b, outShape: outShape)
    // Drop the axes that were added to 1-D operands, the column's first.
    if other.rank == 1 { product = try product.squeezed(axis: -1) }
    if rank == 1 { product = try product.squeezed(axis: other.rank == 1 ? -1 : -2) }
    return product
  }

  /// The product of two operands of rank ≥ 2 whose output shape is known to be `outShape`.
  static func matmul(_ a: Tensor, _ b: Tensor, outShape: [Int]) -> Tensor {
    let out = Tensor.product(a, b, outShape: outShape)
    return Tensor.result(out, shape: outShape, op: TracedOp("matmul"), inputs: [a, b]) { g in
      // dA = g·Bᵀ, dB = Aᵀ·g, each computed at the broadcast batch shape and summed back.
      func gradient(
        of operand: Tensor, _ left: Tensor, _ right: Tensor, transposeA: Bool = false,
        transposeB: Bool = false
      ) throws -> Tensor? {
        guard operand.requiresGrad else { return nil }
        let full = Array(outShape.dropLast(2)) + operand.shape.suffix(2)
        let values = Tensor.product(
          left, right, transposeA: transposeA, transposeB: transposeB, outShape: full)
        return try Tensor(uncheckedShape: full, scalars: values).sumToShape(operand.shape)
      }
      return [try gradient(of: a, g, b, transposeB: true), try gradient(of: b, a, g, transposeA: true)]
    }
  }

  /// Runs the batched GEMM kernel and returns the values.
  static func product(
    _ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false, outShape: [Int]
  ) -> [Float] {
    gemm(count: ShapeMath.count(outShape)) { po in
      a.scalars.withUnsafeBufferPointer { pa in
        b.scalars.withUnsafeBufferPointer { pb in
          MatMul.batched(
            pa.baseAddress!, a.shape, transposeA: transposeA, pb.baseAddress!, b.shape,
            transposeB: transposeB, po)
        }
      }
    }
  }

  /// A new array of `count` values that `body` fully overwrites (a GEMM writes every output
  /// element, also for k = 0), so it is not zero-filled first.
  static func gemm(count: Int, _ body: (UnsafeMutablePointer<Float>) -> Void) -> [Float] {
    [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
      if count > 0 { body(buffer.baseAddress!) }
      initialized = count
    }
  }

  /// The affine map `x·W + b` of a fully connected layer, as one fused operation.
  ///
  /// - Parameters:
  ///   - weight: shape `[in, out]`.
  ///   - bias: shape `[out]`, optional.
  /// `x` has shape `[..., in]`; the result has shape `[..., out]`.
  public func linear(weight: Tensor, bias: Tensor? = nil) throws -> Tensor {
    let outShape = try linearOutputShape(weight: weight, bias: bias)
    let (inFeatures, outFeatures) = (weight.shape[0], weight.shape[1])
    let rows = TensorType(.f32, shape).rowCount
    let out = linearValues(weight: weight, bias: bias)
    let x = self
    func inputs() -> [Tensor] { bias.map { [x, weight, $0] } ?? [x, weight] }
    guard Tensor.recordsGradient(x, weight, bias) else {
      return Tensor.result(out, shape: outShape, op: TracedOp("linear"), inputs: inputs(), backward: nil)
    }
    return Tensor.result(out, shape: outShape, op: TracedOp("linear"), inputs: inputs()) { g in
      var dx: Tensor? = nil
      var dw: Tensor? = nil
      var db: Tensor? = nil
      g.scalars.withUnsafeBufferPointer { pg in
        let dy = pg.baseAddress!
        if x.requiresGrad {
          let v = Tensor.gemm(count: x.count) { dxp in
            weight.scalars.withUnsafeBufferPointer { pw in
              Gemm.multiply(
                m: rows, n: inFeatures, k: outFeatures, a: dy, lda: outFeatures,
                b: pw.baseAddress!, ldb: outFeatures, transposeB: true, c: dxp, ldc: inFeatures)
            }
          }
          dx = Tensor(uncheckedShape: x.shape, scalars: v)
        }
        if weight.requiresGrad {
          let v = Tensor.gemm(count: weight.count) { dwp in
            x.scalars.withUnsafeBufferPointer { px in
              Gemm.multiply(
                m: inFeatures, n: outFeatures, k: rows, a: px.baseAddress!, lda: inFeatures,
                transposeA: true, b: dy, ldb: outFeatures, c: dwp, ldc: outFeatures)
            }
          }
          dw = Tensor(uncheckedShape: weight.shape, scalars: v)
        }
        if bias?.requiresGrad == true {
          // Column sums of the output gradient, row by row (contiguous, vectorizable).
          var v = [Float](repeating: 0, count: outFeatures)
          v.withUnsafeMutableBufferPointer { sums in
            for r in 0..<rows {
              let row = dy + r * outFeatures
              for j in 0..<outFeatures { sums[j] += row[j] }
            }
          }
          db = Tensor(uncheckedShape: [outFeatures], scalars: v)
        }
      }
      return bias == nil ? [dx, dw] : [dx, dw, db]
    }
  }

  /// The values of `activation(self·W + b + residual)`, `[rows, out]` row-major, from one GEMM
  /// call (the sum and the activation applied as it stores the product); shapes already checked.
  func linearValues(
    weight: Tensor, bias: Tensor?, residual: Tensor? = nil, activation: Gemm.Activation = .none
  ) -> [Float] {
    let (inFeatures, outFeatures) = (weight.shape[0], weight.shape[1])
    let rows = TensorType(.f32, shape).rowCount
    return Tensor.gemm(count: rows * outFeatures) { o in
      Tensor.withOptionalPointers(bias, residual) { b, r in
        scalars.withUnsafeBufferPointer { x in
          weight.scalars.withUnsafeBufferPointer { w in
            MatMul.linear(
              x.baseAddress!, rows: rows, inFeatures: inFeatures, weight: w.baseAddress!,
              outFeatures: outFeatures, bias: b, residual: r, activation: activation, o)
          }
        }
      }
    }
  }

  /// The output shape `[..., out]` of ``linear(weight:bias:)`` on this input, after checking the
  /// weight `[in, out]` and bias `[out]` against it.
  func linearOutputShape(weight: Tensor, bias: Tensor?) throws -> [Int] {
    guard weight.rank == 2, rank >= 1, shape[rank - 1] == weight.shape[0] else {
      throw TensorError.invalidArgument(
        "linear: input shape \(shape) does not match weight shape \(weight.shape) (expected [..., \(weight.rank == 2 ? weight.shape[0] : 0)])"
      )
    }
    let outFeatures = weight.shape[1]
    if let bias, bias.rank != 1 || bias.shape[0] != outFeatures {
      throw TensorError.shapeMismatch(op: "linear bias", bias.shape, [outFeatures])
    }
    var outShape = shape
    outShape[rank - 1] = outFeatures
    return outShape
  }
}
