import TTIR

/// `BatchNormalization` (inference), `Softmax`, `LogSoftmax`, `LayerNormalization`.
extension Converters {
  static let normalization: [String: Converter] = [
    "BatchNormalization": .single(["epsilon", "momentum", "training_mode", "spatial"]) {
      (c) throws(ONNXError) in
      guard c.int("training_mode", 0) == 0, c.node.output.dropFirst().allSatisfy(\.isEmpty) else {
        throw c.fail("training mode (running statistics outputs) is not supported")
      }
      guard c.int("spatial", 1) == 1 else { throw c.fail("spatial = 0 is not supported") }
      return try c.emit(
        .batchNorm, values: [c.value(0), c.value(1), c.value(2), c.value(3), c.value(4)],
        ["eps": .float(Double(c.float("epsilon", 1e-5)))])
    },
    "Softmax": .single(["axis"]) { (c) throws(ONNXError) in try c.softmax(.softmax) },
    "LogSoftmax": .single(["axis"]) { (c) throws(ONNXError) in try c.softmax(.logSoftmax) },
    "LRN": .single(["alpha", "beta", "bias", "size"]) { (c) throws(ONNXError) in
      try c.localResponseNormalization()
    },
    "LayerNormalization": Converter(["axis", "epsilon", "stash_type"]) { (c) throws(ONNXError) in
      try c.layerNormalization()
    },
  ]
}

extension NodeContext {
  /// Softmax semantics by opset: before 13 the input is coerced to 2-D at `axis` (default 1)
  /// and normalized over the flattened trailing part; from 13 on, over `axis` (default −1).
  fileprivate func softmax(_ op: Op) throws(ONNXError) -> ImportedValue {
    let shape = try type(0).shape
    if opset >= 13 {
      let axis = try axis(int("axis", -1), rank: shape.count)
      return try emit(op, values: [value(0)], ["axis": .int(axis)])
    }
    let axis = int("axis", 1)
    let split = axis < 0 ? axis + shape.count : axis
    guard (0...shape.count).contains(split) else {
      throw fail("axis \(axis) is out of range for rank \(shape.count)")
    }
    let flat = [shape[..<split].reduce(1, *), shape[split...].reduce(1, *)]
    let y = try emit(op, values: [reshape(value(0), flat)], ["axis": .int(1)])
    return try reshape(y, shape)
  }

  /// `LRN`: `x / (bias + alpha·mean(x², channel window))^beta`, the window mean taken by an
  /// average pool over the channels (zero-padded as ONNX places the window).
  fileprivate func localResponseNormalization() throws(ONNXError) -> ImportedValue {
    let shape = try type(0).shape
    guard shape.count >= 3, let size = int("size"), size >= 1 else {
      throw fail("needs an input of rank 3 or more and a positive size")
    }
    let x = try value(0)
    let dtype = try type(0).dtype
    let columns = [shape[0], 1, shape[1], shape[2...].reduce(1, *)]
    let squares = try reshape(binary(.mul, x, x), columns)
    let padded = try pad(squares, [0, 0, (size - 1) / 2, 0, 0, 0, size / 2, 0], fill: 0)
    let mean = try emit(
      .avgPool2d, values: [padded],
      [
        "kernel": .ints([size, 1]), "stride": .ints([1, 1]), "padding": .ints([0, 0]),
        "count_include_pad": .bool(true),
      ])
    let scaled = try binary(.mul, reshape(mean, shape), scalar(Double(float("alpha", 1e-4)), dtype))
    let base = try binary(.add, scaled, scalar(Double(float("bias", 1)), dtype))
    return try binary(.div, x, binary(.pow, base, scalar(Double(float("beta", 0.75)), dtype)))
  }

  /// `LayerNormalization` over axes `axis...` (flattened into one when more than the last),
  /// plus the optional `Mean` and `InvStdDev` outputs.
  fileprivate func layerNormalization() throws(ONNXError) -> [ImportedValue] {
    let shape = try type(0).shape
    let axis = try axis(int("axis", -1), rank: shape.count)
    let epsilon = Double(float("epsilon", 1e-5))
    let width = shape[axis...].reduce(1, *)
    let flatShape = [shape[..<axis].reduce(1, *), width]
    let x = try value(0)
    var inputs = [try reshape(x, flatShape)]
    for index in 1...2 where has(index) {
      guard try type(index).shape.reduce(1, *) == width else {
        throw fail("input '\(node.input[index])' must have the normalized shape \(Array(shape[axis...]))")
      }
      inputs.append(try reshape(value(index), [width]))
    }
    let normalized = try emit(.layerNorm, values: inputs, ["eps": .float(epsilon)])
    var outputs = [try reshape(normalized, shape)]
    guard node.output.dropFirst().contains(where: { !$0.isEmpty }) else { return outputs }
    let dtype = try type(0).dtype
    let axes = AttributeValue.ints(Array(axis..<shape.count))
    let mean = try emit(.reduceMean, values: [x], ["axes": axes, "keepdims": .bool(true)])
    let centered = try binary(.sub, x, mean)
    let variance = try emit(
      .reduceMean, values: [binary(.mul, centered, centered)], ["axes": axes, "keepdims": .bool(true)])
    let deviation = try unary(.sqrt, binary(.add, variance, scalar(epsilon, dtype)))
    outputs.append(mean)
    outputs.append(try binary(.div, scalar(1, dtype), deviation))
    return outputs
  }
}
