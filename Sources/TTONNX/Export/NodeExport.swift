import TTIR

/// Writes one IR node as ONNX nodes.
struct NodeExport {
  let session: ExportSession
  let node: Node

  private var output: String { node.outputs[0] }
  private func type(_ value: String) -> TensorType { session.types[value]! }
  private var x: String { node.inputs[0] }

  /// Emits the final node, writing the IR output name.
  private func finish(_ opType: String, _ inputs: [String], _ attributes: [Onnx_AttributeProto] = []) {
    session.add(opType, inputs, attributes, name: node.name, output: output)
  }

  /// Emits a helper node.
  private func helper(_ opType: String, _ inputs: [String], _ attributes: [Onnx_AttributeProto] = [])
    -> String
  {
    session.add(opType, inputs, attributes, name: node.name)
  }

  /// A scalar constant of `dtype`.
  private func scalar(_ value: Double, _ dtype: DType) -> String {
    session.constant(ConstantFolding.filled(value, dtype: dtype, shape: []), "\(node.name)/const")
  }

  func write() throws(ONNXError) {
    if node.op.category == .quantized {
      throw ONNXError(
        "node '\(node.name)' (\(node.op)): quantized graphs have no ONNX export yet; export the model "
          + "before --quantize")
    }
    if node.op == .fusedElementwise || node.attributes["epilogue"] != nil || node.attributes["heads"] != nil {
      throw ONNXError(
        "node '\(node.name)' (\(node.op)): fused nodes (from -O2) have no ONNX form; export the model "
          + "as written, before optimization")
    }
    let simple: [Op: String] = [
      .neg: "Neg", .exp: "Exp", .log: "Log", .sqrt: "Sqrt", .abs: "Abs", .relu: "Relu", .sigmoid: "Sigmoid",
      .tanh: "Tanh", .erf: "Erf", .add: "Add", .sub: "Sub", .mul: "Mul", .div: "Div", .pow: "Pow",
      .maximum: "Max", .minimum: "Min", .matmul: "MatMul",
    ]
    switch node.op {
    case .neg, .exp, .log, .sqrt, .abs, .relu, .sigmoid, .tanh, .erf, .add, .sub, .mul, .div, .pow, .maximum,
      .minimum, .matmul:
      finish(simple[node.op]!, node.inputs)
    case .gelu:
      finish("Gelu", [x], [Attribute.string("approximate", node.string("approximate") ?? "none")])
    case .leakyRelu:
      finish("LeakyRelu", [x], [Attribute.float("alpha", node.float("alpha") ?? 0.01)])
    case .clamp:
      let dtype = type(x).dtype
      let low = node.float("min").map { scalar($0, dtype) } ?? ""
      let high = node.float("max").map { scalar($0, dtype) } ?? ""
      finish("Clip", high.isEmpty ? (low.isEmpty ? [x] : [x, low]) : [x, low, high])
    case .equal, .less, .greater:
      let opType = node.op == .equal ? "Equal" : node.op == .less ? "Less" : "Greater"
      finish("Cast", [helper(opType, node.inputs)], [Attribute.int("to", Int(ONNXDataType.float))])
    case .mod:
      writeMod()
    case .resize:
      try writeResize()
    case .where:
      let condition = helper("Cast", [x], [Attribute.int("to", Int(ONNXDataType.bool))])
      finish("Where", [condition, node.inputs[1], node.inputs[2]])
    case .linear:
      var inputs = node.inputs
      if type(inputs[1]).dtype != type(x).dtype {  // an f16 weight read by an f32 linear
        inputs[1] = helper("Cast", [inputs[1]], [Attribute.int("to", Int(ONNXDataType.float))])
      }
      writeLinear(inputs)
    case .sparseLinear:
      let dense = session.constant(densifiedWeight(), "\(node.name)/weight")
      writeLinear([x, dense] + node.inputs.dropFirst(4))
    case .conv2d:
      let weight = type(node.inputs[1]).shape
      let padding = node.ints("padding") ?? [0, 0]
      finish(
        "Conv", node.inputs,
        [
          Attribute.ints("kernel_shape", Array(weight.suffix(2))),
          Attribute.ints("strides", node.ints("stride") ?? [1, 1]),
          Attribute.ints("pads", padding + padding),
          Attribute.ints("dilations", node.ints("dilation") ?? [1, 1]),
          Attribute.int("group", node.int("groups") ?? 1),
        ])
    case .maxPool2d, .avgPool2d:
      let kernel = node.ints("kernel") ?? [1, 1]
      let padding = node.ints("padding") ?? [0, 0]
      var attributes = [
        Attribute.ints("kernel_shape", kernel), Attribute.ints("strides", node.ints("stride") ?? kernel),
        Attribute.ints("pads", padding + padding),
      ]
      if node.op == .avgPool2d {
        attributes.append(Attribute.int("count_include_pad", node.bool("count_include_pad") ?? true ? 1 : 0))
      }
      finish(node.op == .maxPool2d ? "MaxPool" : "AveragePool", [x], attributes)
    case .batchNorm:
      finish("BatchNormalization", node.inputs, [Attribute.float("epsilon", node.float("eps") ?? 1e-5)])
    case .softmax, .logSoftmax:
      finish(
        node.op == .softmax ? "Softmax" : "LogSoftmax", [x], [Attribute.int("axis", node.int("axis") ?? -1)])
    case .layerNorm:
      var inputs = node.inputs
      if inputs.count == 1 {
        let width = type(x).shape.last ?? 1
        let ones = TensorData(Array(repeating: 1, count: width), shape: [width])
        inputs.append(session.constant(ConstantFolding.cast(ones, to: type(x).dtype), "\(node.name)/scale"))
      }
      finish(
        "LayerNormalization", inputs,
        [Attribute.int("axis", -1), Attribute.float("epsilon", node.float("eps") ?? 1e-5)])
    case .reshape, .flatten:
      finish("Reshape", [x, session.ints(type(output).shape, "\(node.name)/shape")])
    case .transpose:
      finish("Transpose", [x], [Attribute.ints("perm", node.ints("perm") ?? [])])
    case .concat:
      finish("Concat", node.inputs, [Attribute.int("axis", node.int("axis") ?? 0)])
    case .slice:
      let starts = node.ints("starts") ?? []
      let steps = node.ints("steps") ?? Array(repeating: 1, count: starts.count)
      finish(
        "Slice",
        [
          x, session.ints(starts, "\(node.name)/starts"),
          session.ints(node.ints("ends") ?? [], "\(node.name)/ends"),
          session.ints(Array(starts.indices), "\(node.name)/axes"), session.ints(steps, "\(node.name)/steps"),
        ])
    case .gather:
      var indices = node.inputs[1]
      if type(indices).dtype.isFloatingPoint {
        indices = helper("Cast", [indices], [Attribute.int("to", Int(ONNXDataType.int64))])
      }
      finish("Gather", [x, indices], [Attribute.int("axis", node.int("axis") ?? 0)])
    case .reduceSum, .reduceMean, .reduceMax, .reduceMin:
      let opType = [
        Op.reduceSum: "ReduceSum", .reduceMean: "ReduceMean", .reduceMax: "ReduceMax",
        .reduceMin: "ReduceMin",
      ][node.op]!
      let axes = node.ints("axes") ?? []
      let inputs = axes.isEmpty ? [x] : [x, session.ints(axes, "\(node.name)/axes")]
      finish(opType, inputs, [Attribute.int("keepdims", node.bool("keepdims") ?? false ? 1 : 0)])
    case .argmax:
      finish(
        "ArgMax", [x],
        [
          Attribute.int("axis", node.int("axis") ?? 0),
          Attribute.int("keepdims", node.bool("keepdims") ?? false ? 1 : 0),
        ])
    case .scaledDotProductAttention:
      writeAttention()
    case .fusedElementwise, .quantizedLinear, .quantizedConv2d:
      break  // refused above
    case .cast:
      let dtype = DType(rawValue: node.string("to") ?? "f32") ?? .f32
      finish("Cast", [x], [Attribute.int("to", Int(ONNXDataType.code(dtype)))])
    case .quantizeLinear, .dequantizeLinear:
      let scale = session.constant(
        TensorData([Float(node.float("scale") ?? 1)], shape: []), "\(node.name)/scale")
      let zeroPoint = session.constant(
        TensorData(int8s: [Int8(node.int("zero_point") ?? 0)], shape: []), "\(node.name)/zero_point")
      finish(node.op == .quantizeLinear ? "QuantizeLinear" : "DequantizeLinear", [x, scale, zeroPoint])
    }
  }

  /// `x · weight (+ bias)`: `Gemm` for matrices, else `MatMul` (+ `Add`).
  /// `mod`: ONNX `Mod` takes integers either way but floats only with `fmod = 1`, so a float `mod`
  /// with `fmod = false` is `Mod(fmod=1)` moved to the divisor's sign where the signs differ.
  private func writeMod() {
    let floored = node.bool("fmod") != true
    guard floored && type(x).dtype.isFloatingPoint else {
      finish("Mod", node.inputs, [Attribute.int("fmod", floored ? 0 : 1)])
      return
    }
    let (b, dtype) = (node.inputs[1], type(x).dtype)
    let r = helper("Mod", node.inputs, [Attribute.int("fmod", 1)])
    let zero = scalar(0, dtype)
    let signsDiffer = helper("Xor", [helper("Less", [r, zero]), helper("Less", [b, zero])])
    let nonzero = helper("Not", [helper("Equal", [r, zero])])
    finish("Where", [helper("And", [nonzero, signsDiffer]), helper("Add", [r, b]), r])
  }

  /// `resize` as `Resize` with its `scales`, or with `sizes` where the scales are the size
  /// ratios (then a runtime derives the same scales, and the sizes exactly). ONNX derives one from
  /// the other, so other combinations have no ONNX form.
  private func writeResize() throws(ONNXError) {
    let shape = type(x).shape
    let sizes = node.ints("sizes") ?? shape
    let scales = node.floats("scales") ?? []
    let ratios = sizes.indices.allSatisfy { scales[$0] == Double(Float(sizes[$0]) / Float(shape[$0])) }
    let attributes = [
      Attribute.string("mode", node.string("mode") ?? "nearest"),
      Attribute.string(
        "coordinate_transformation_mode", node.string("coordinate_transformation_mode") ?? "half_pixel"),
      Attribute.string("nearest_mode", node.string("nearest_mode") ?? "round_prefer_floor"),
    ]
    if ratios {
      let constant = session.constant(
        TensorData(int64s: sizes.map(Int64.init), shape: [sizes.count]), "\(node.name)/sizes")
      finish("Resize", [x, "", "", constant], attributes)
    } else {
      let derived = sizes.indices.map { Int((Double(shape[$0]) * Double(Float(scales[$0]))).rounded(.down)) }
      guard derived == sizes else {
        throw ONNXError(
          "node '\(node.name)' (resize): sizes \(sizes) are neither the input \(shape) times scales \(scales) "
            + "nor do the scales equal the size ratios, which ONNX Resize cannot express")
      }
      let constant = session.constant(
        TensorData(scales.map(Float.init), shape: [scales.count]), "\(node.name)/scales")
      finish("Resize", [x, "", constant], attributes)
    }
  }

  private func writeLinear(_ inputs: [String]) {
    if type(x).rank == 2 {
      finish("Gemm", inputs)
    } else if inputs.count == 3 {
      finish("Add", [helper("MatMul", [x, inputs[1]]), inputs[2]])
    } else {
      finish("MatMul", inputs)
    }
  }

  /// The dense `[in, out]` weight of a `sparse_linear` (its CSR or sliced inputs are weights; the
  /// verifier checked them).
  private func densifiedWeight() -> TensorData {
    let values = session.weights[node.inputs[1]]!
    let columns = session.weights[node.inputs[2]]!.int64s()
    let rowPointers = session.weights[node.inputs[3]]!.int64s()
    let inputs = type(x).shape.last ?? 0
    if node.string("layout") == "sliced", let outputs = node.int("out"),
      let sliced = try? SlicedSparseMatrix(
        values: values.floats(), columns: columns.map { Int8(truncatingIfNeeded: $0) },
        steps: rowPointers.map { Int32(truncatingIfNeeded: $0) }, inFeatures: inputs, outFeatures: outputs)
    {
      return ConstantFolding.cast(
        TensorData(sliced.denseWeight(), shape: [inputs, outputs]), to: values.dtype)
    }
    let outputs = rowPointers.count - 1
    let numbers = values.floats()
    var dense = [Float](repeating: 0, count: inputs * outputs)
    for row in 0..<outputs {
      for entry in Int(rowPointers[row])..<Int(rowPointers[row + 1]) {
        dense[Int(columns[entry]) * outputs + row] = numbers[entry]
      }
    }
    return ConstantFolding.cast(TensorData(dense, shape: [inputs, outputs]), to: values.dtype)
  }

  /// `softmax(q·kᵀ·scale + mask)·v` with ONNX ops; integer masks and `causal` become −∞ where blocked.
  private func writeAttention() {
    let (q, k, v) = (node.inputs[0], node.inputs[1], node.inputs[2])
    let qShape = type(q).shape
    let kShape = type(k).shape
    let rank = kShape.count
    let dtype = type(q).dtype
    let scale = node.float("scale") ?? 1 / Double(qShape[qShape.count - 1]).squareRoot()
    let perm = Array(0..<(rank - 2)) + [rank - 1, rank - 2]
    let keysT = helper("Transpose", [k], [Attribute.ints("perm", perm)])
    var scores = helper("Mul", [helper("MatMul", [q, keysT]), scalar(scale, dtype)])
    let blocked = scalar(-Double.infinity, dtype)
    if node.inputs.count == 4 {
      let mask = node.inputs[3]
      if type(mask).dtype.isFloatingPoint {
        scores = helper("Add", [scores, mask])
      } else {
        let keep = helper("Cast", [mask], [Attribute.int("to", Int(ONNXDataType.bool))])
        scores = helper("Where", [keep, scores, blocked])
      }
    }
    if node.bool("causal") ?? false {
      let (rows, columns) = (qShape[qShape.count - 2], kShape[rank - 2])
      var keep: [Float] = []
      for i in 0..<rows { for j in 0..<columns { keep.append(j <= i ? 1 : 0) } }
      let keepMask = session.constant(TensorData(keep, shape: [rows, columns]), "\(node.name)/causal")
      let flags = helper("Cast", [keepMask], [Attribute.int("to", Int(ONNXDataType.bool))])
      scores = helper("Where", [flags, scores, blocked])
    }
    finish("MatMul", [helper("Softmax", [scores], [Attribute.int("axis", -1)]), v])
  }
}
