import TTIR

/// Activations, arithmetic, comparisons and logic. ONNX booleans are `f32` 0/1 here, as the
/// IR's comparisons produce them.
extension Converters {
  static let elementwise: [String: Converter] = [
    "Abs": direct(.abs), "Neg": direct(.neg), "Exp": direct(.exp), "Log": direct(.log),
    "Sqrt": direct(.sqrt), "Relu": direct(.relu), "Sigmoid": direct(.sigmoid), "Tanh": direct(.tanh),
    "Erf": direct(.erf),
    "Gelu": .single(["approximate"]) { (c) throws(ONNXError) in
      let approximate = c.string("approximate", "none")
      guard approximate == "none" || approximate == "tanh" else {
        throw c.fail("approximate = \"\(approximate)\" is not supported (none, tanh)")
      }
      return try c.unary(.gelu, c.value(0), ["approximate": .string(approximate)])
    },
    "LeakyRelu": .single(["alpha"]) { (c) throws(ONNXError) in
      try c.unary(.leakyRelu, c.value(0), ["alpha": .float(Double(c.float("alpha", 0.01)))])
    },
    "Clip": .single { (c) throws(ONNXError) in
      var attributes: [String: AttributeValue] = [:]
      if let low = try c.optionalBound(1, "min") { attributes["min"] = .float(low) }
      if let high = try c.optionalBound(2, "max") { attributes["max"] = .float(high) }
      return try c.unary(.clamp, c.value(0), attributes)
    },
    "Reciprocal": .single { (c) throws(ONNXError) in
      let x = try c.value(0)
      return try c.binary(.div, c.scalar(1, c.type(0).dtype), x)
    },
    "Softplus": .single { (c) throws(ONNXError) in try c.softplus(c.value(0)) },
    "Softsign": .single { (c) throws(ONNXError) in
      let x = try c.value(0)
      let dtype = try c.type(0).dtype
      return try c.binary(.div, x, c.binary(.add, c.unary(.abs, x), c.scalar(1, dtype)))
    },
    "HardSigmoid": .single(["alpha", "beta"]) { (c) throws(ONNXError) in
      try c.hardSigmoid(c.value(0), alpha: Double(c.float("alpha", 0.2)), beta: Double(c.float("beta", 0.5)))
    },
    "HardSwish": .single { (c) throws(ONNXError) in
      let x = try c.value(0)
      return try c.binary(.mul, x, c.hardSigmoid(x, alpha: 1.0 / 6, beta: 0.5))
    },
    "Elu": .single(["alpha"]) { (c) throws(ONNXError) in
      try c.elu(c.value(0), alpha: Double(c.float("alpha", 1)), inputScale: 1)
    },
    "Celu": .single(["alpha"]) { (c) throws(ONNXError) in
      let alpha = Double(c.float("alpha", 1))
      return try c.elu(c.value(0), alpha: alpha, inputScale: 1 / alpha)
    },
    "Selu": .single(["alpha", "gamma"]) { (c) throws(ONNXError) in
      let alpha = Double(c.float("alpha", 1.67326319217681884765625))
      let gamma = Double(c.float("gamma", 1.05070102214813232421875))
      let x = try c.value(0)
      return try c.binary(.mul, c.elu(x, alpha: alpha, inputScale: 1), c.scalar(gamma, c.type(0).dtype))
    },
    "ThresholdedRelu": .single(["alpha"]) { (c) throws(ONNXError) in
      let x = try c.value(0)
      let above = try c.binary(.greater, x, c.scalar(Double(c.float("alpha", 1)), c.type(0).dtype))
      return try c.binary(.mul, x, above)
    },
    "PRelu": .single { (c) throws(ONNXError) in
      let x = try c.value(0)
      let negative = try c.binary(.minimum, x, c.scalar(0, c.type(0).dtype))
      return try c.binary(.add, c.unary(.relu, x), c.binary(.mul, c.value(1), negative))
    },
    "Mish": .single { (c) throws(ONNXError) in
      let x = try c.value(0)
      return try c.binary(.mul, x, c.unary(.tanh, c.softplus(x)))
    },
    "Sign": .single { (c) throws(ONNXError) in
      let x = try c.value(0)
      let dtype = try c.type(0).dtype
      let zero = c.scalar(0, dtype)
      let sign = try c.binary(.sub, c.binary(.greater, x, zero), c.binary(.less, x, zero))
      return try c.cast(sign, to: dtype)
    },
    "Add": binary(.add), "Sub": binary(.sub), "Mul": binary(.mul), "Div": binary(.div),
    "Pow": .single { (c) throws(ONNXError) in
      try c.binary(.pow, c.value(0), c.cast(c.value(1), to: c.type(0).dtype))
    },
    "Mod": .single(["fmod"]) { (c) throws(ONNXError) in
      let fmod = c.int("fmod", 0) != 0
      let (a, b) = (try c.value(0), try c.value(1))
      if let x = a.constant, let y = b.constant, let folded = ConstantFolding.binary(.mod, x, y, fmod: fmod) {
        return .constant(folded)
      }
      return try c.emit(.mod, values: [a, b], ["fmod": .bool(fmod)])
    },
    "Equal": binary(.equal), "Less": binary(.less), "Greater": binary(.greater),
    "LessOrEqual": .single { (c) throws(ONNXError) in
      try c.binary(.sub, c.scalar(1, .f32), c.binary(.greater, c.value(0), c.value(1)))
    },
    "GreaterOrEqual": .single { (c) throws(ONNXError) in
      try c.binary(.sub, c.scalar(1, .f32), c.binary(.less, c.value(0), c.value(1)))
    },
    "Not": .single { (c) throws(ONNXError) in try c.binary(.sub, c.scalar(1, .f32), c.value(0)) },
    "And": binary(.mul), "Or": binary(.maximum),
    "Xor": .single { (c) throws(ONNXError) in
      try c.binary(.sub, c.scalar(1, .f32), c.binary(.equal, c.value(0), c.value(1)))
    },
    "Max": variadic(.maximum), "Min": variadic(.minimum), "Sum": variadic(.add),
    "Mean": .single { (c) throws(ONNXError) in
      let values = try c.values()
      return try c.binary(.div, c.fold(.add, values), c.scalar(Double(values.count), c.type(0).dtype))
    },
    "Where": .single { (c) throws(ONNXError) in
      let condition = try c.value(0)
      let a = try c.value(1)
      let b = try c.value(2)
      if let flags = condition.constant, let x = a.constant, let y = b.constant,
        let folded = ConstantFolding.select(flags, x, y)
      {
        return .constant(folded)
      }
      return try c.emit(.where, values: [condition, a, b])
    },
  ]

  /// An ONNX op that is exactly one IR op with no attributes.
  static func direct(_ op: Op) -> Converter {
    .single { (c) throws(ONNXError) in try c.unary(op, c.value(0)) }
  }

  /// A broadcasting binary op.
  static func binary(_ op: Op) -> Converter {
    .single { (c) throws(ONNXError) in try c.binary(op, c.value(0), c.value(1)) }
  }

  /// A variadic op folded left over its inputs (`Max`, `Min`, `Sum`).
  static func variadic(_ op: Op) -> Converter {
    .single { (c) throws(ONNXError) in try c.fold(op, c.values()) }
  }
}

extension NodeContext {
  /// `op` applied left to right over `values` (at least one).
  fileprivate func fold(_ op: Op, _ values: [ImportedValue]) throws(ONNXError) -> ImportedValue {
    guard var result = values.first else { throw fail("needs at least one input") }
    for value in values.dropFirst() { result = try binary(op, result, value) }
    return result
  }

  /// `Clip`'s optional `min`/`max` input as a number.
  fileprivate func optionalBound(_ index: Int, _ role: String) throws(ONNXError) -> Double? {
    guard has(index) else { return nil }
    let data = try constant(index, role)
    guard data.shape.reduce(1, *) == 1 else { throw fail("\(role) must be a scalar") }
    return Double(data.floats()[0])
  }

  /// `log(1 + e^x)`.
  fileprivate func softplus(_ x: ImportedValue) throws(ONNXError) -> ImportedValue {
    try unary(.log, binary(.add, unary(.exp, x), scalar(1, session.type(of: x).dtype)))
  }

  /// `clamp(alpha·x + beta, 0, 1)`.
  fileprivate func hardSigmoid(_ x: ImportedValue, alpha: Double, beta: Double) throws(ONNXError)
    -> ImportedValue
  {
    let dtype = session.type(of: x).dtype
    let line = try binary(.add, binary(.mul, x, scalar(alpha, dtype)), scalar(beta, dtype))
    return try unary(.clamp, line, ["min": .float(0), "max": .float(1)])
  }

  /// `relu(x) + alpha·(e^(min(x, 0)·inputScale) − 1)`: ELU, and CELU with `inputScale = 1/alpha`.
  fileprivate func elu(_ x: ImportedValue, alpha: Double, inputScale: Double) throws(ONNXError)
    -> ImportedValue
  {
    let dtype = session.type(of: x).dtype
    var negative = try binary(.minimum, x, scalar(0, dtype))
    if inputScale != 1 { negative = try binary(.mul, negative, scalar(inputScale, dtype)) }
    let curve = try binary(.sub, unary(.exp, negative), scalar(1, dtype))
    return try binary(.add, unary(.relu, x), binary(.mul, curve, scalar(alpha, dtype)))
  }
}
