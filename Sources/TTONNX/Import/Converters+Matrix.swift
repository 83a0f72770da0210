import TTIR

/// `MatMul` and `Gemm`. A constant right-hand matrix becomes a `linear` weight (transposed at
/// import when `transB = 1`), so the compiled code uses its weight-stationary kernels.
extension Converters {
  static let matrix: [String: Converter] = [
    "MatMul": .single { (c) throws(ONNXError) in try c.matmul(c.value(0), c.value(1)) },
    "Gemm": .single(["alpha", "beta", "transA", "transB"]) { (c) throws(ONNXError) in
      guard try c.rank(0) == 2, try c.rank(1) == 2 else { throw c.fail("A and B must be matrices") }
      let alpha = Double(c.float("alpha", 1))
      let beta = Double(c.float("beta", 1))
      let a = try c.transpose(c.value(0), c.int("transA", 0) != 0 ? [1, 0] : [0, 1])
      var b = try c.transpose(c.value(1), c.int("transB", 0) != 0 ? [1, 0] : [0, 1])
      let dtype = c.session.type(of: b).dtype
      var scaled = alpha == 1
      if !scaled, b.constant != nil {
        b = try c.binary(.mul, b, c.scalar(alpha, dtype))
        scaled = true
      }
      var bias = try c.optionalValue(2)
      if let term = bias, beta != 1 { bias = try c.binary(.mul, term, c.scalar(beta, dtype)) }
      if beta == 0 { bias = nil }
      let columns = c.session.type(of: b).shape[1]
      if scaled, b.constant != nil {
        // linear(x, W, bias) when the bias is one row of N values.
        if let term = bias, c.session.type(of: term).shape.reduce(1, *) == columns,
          c.session.type(of: term).rank <= 2
        {
          return try c.emit(.linear, values: [a, b, c.reshape(term, [columns])])
        }
        let product = try c.emit(.linear, values: [a, b])
        return try bias.map { (term) throws(ONNXError) in try c.binary(.add, product, term) } ?? product
      }
      var product = try c.emit(.matmul, values: [a, b])
      if !scaled { product = try c.binary(.mul, product, c.scalar(alpha, dtype)) }
      return try bias.map { (term) throws(ONNXError) in try c.binary(.add, product, term) } ?? product
    },
  ]
}

extension NodeContext {
  /// NumPy `matmul`: 1-D operands get a unit axis that is removed again afterwards.
  func matmul(_ a: ImportedValue, _ b: ImportedValue) throws(ONNXError) -> ImportedValue {
    let aShape = session.type(of: a).shape
    let bShape = session.type(of: b).shape
    guard !aShape.isEmpty, !bShape.isEmpty else { throw fail("MatMul operands must not be scalars") }
    let left = aShape.count == 1 ? try reshape(a, [1, aShape[0]]) : a
    let right = bShape.count == 1 ? try reshape(b, [bShape[0], 1]) : b
    let product =
      right.constant != nil && session.type(of: right).rank == 2 && session.type(of: left).rank >= 2
      ? try emit(.linear, values: [left, right]) : try emit(.matmul, values: [left, right])
    guard aShape.count == 1 || bShape.count == 1 else { return product }
    var shape = session.type(of: product).shape
    if bShape.count == 1 { shape.removeLast() }
    if aShape.count == 1 { shape.remove(at: shape.count - 1 - (bShape.count == 1 ? 0 : 1)) }
    return try reshape(product, shape)
  }
}
