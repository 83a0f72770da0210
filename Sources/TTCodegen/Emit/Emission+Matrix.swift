import TTIR
import TTRuntime

extension Emission {
  func matrix() throws(CodegenError) -> [String] {
    try context.requireF32()
    let scratch = scratch ?? "0"
    if node.op == .sparseLinear {
      let x = context.inputTypes[0].shape
      let (k, n) = (x.last!, outShape.last!)
      let m = x.dropLast().reduce(1, *)
      let bias = inputs.count > 4 ? inputs[4] : "0"
      if node.string("layout") == "sliced" {
        return [
          "tt_sparse_sliced_linear(\(m), \(k), \(n), \(inputs[0]), \(inputs[1]), \(inputs[2]), \(inputs[3]), \(bias), \(output), \(scratch));"
        ]
      }
      return [
        "tt_sparse_linear(\(m), \(k), \(n), \(inputs[0]), \(inputs[1]), \(inputs[2]), \(inputs[3]), \(bias), \(output), \(scratch));"
      ]
    }
    if node.op == .linear {
      let x = context.inputTypes[0].shape
      let (k, n) = (x.last!, outShape.last!)
      let m = x.dropLast().reduce(1, *)
      var fields = node.ownInputs.count > 2 ? [".bias = \(inputs[2])"] : []
      if let gemm = gemmEpilogue {
        fields += gemm.residual.map { [".residual = \($0)", ".ldr = \(n)"] } ?? []
        fields += gemm.activation.map { [".activation = \($0)"] } ?? []
      }
      let epilogue = fields.isEmpty ? "0" : "&(tt_epilogue){\(fields.joined(separator: ", "))}"
      if context.inputTypes[1].dtype == .f16 {
        return [
          "tt_hgemm(\(m), \(n), \(k), \(inputs[0]), \(k), \(inputs[1]), \(n), \(output), \(n), \(epilogue), \(scratch));"
        ]
      }
      return [gemm(m: m, n: n, k: k, epilogue: epilogue, scratch: scratch)]
    }
    let a = context.inputTypes[0].shape
    let b = context.inputTypes[1].shape
    let (m, k, n) = (a[a.count - 2], a[a.count - 1], b[b.count - 1])
    let batch = Array(outShape.dropLast(2))
    let batchA = a.dropLast(2).reduce(1, *)
    if b.dropLast(2).reduce(1, *) == 1 && batchA == batch.reduce(1, *) {
      // b is one matrix shared by every batch: fold a's batch into the rows of one GEMM.
      return [gemm(m: m * batchA, n: n, k: k, epilogue: "0", scratch: scratch)]
    }
    let variables = CSyntax.variables(batch.count, "b")
    let strideA = CSyntax.broadcastStrides(Array(a.dropLast(2)), to: batch).map { $0 * m * k }
    let strideB = CSyntax.broadcastStrides(Array(b.dropLast(2)), to: batch).map { $0 * k * n }
    let strideY = CSyntax.strides(batch).map { $0 * m * n }
    let call =
      "tt_sgemm(\(m), \(n), \(k), \(inputs[0]) + \(CSyntax.index(strideA, variables: variables)), \(k), 0, "
      + "\(inputs[1]) + \(CSyntax.index(strideB, variables: variables)), \(n), 0, "
      + "\(output) + \(CSyntax.index(strideY, variables: variables)), \(n), 0, \(scratch));"
    return CSyntax.loopNest(batch, body: [call], variable: "b")
  }

  /// `output[m, n] = epilogue(inputs[0][m, k] · inputs[1][k, n])`, row-major: `tt_sgemm`, or
  /// `tt_sgemm_packed_b` (the same result) where the blob holds the weight pre-packed.
  private func gemm(m: Int, n: Int, k: Int, epilogue: String, scratch: String) -> String {
    if let packedWeights {
      return
        "tt_sgemm_packed_b(\(m), \(n), \(k), \(inputs[0]), \(k), 0, (const float *)\(packedWeights), \(output), \(n), \(epilogue), \(scratch));"
    }
    return
      "tt_sgemm(\(m), \(n), \(k), \(inputs[0]), \(k), 0, \(inputs[1]), \(n), 0, \(output), \(n), \(epilogue), \(scratch));"
  }

  func spatial() throws(CodegenError) -> [String] {
    let quantized = node.op == .maxPool2d && context.inputTypes[0].dtype == .i8
    if !quantized { try context.requireF32() }
    let x = context.inputTypes[0].shape
    let pair: (String, [Int]) -> [Int] = { name, fallback in
      let values = node.ints(name) ?? fallback
      return values.count == 1 ? [values[0], values[0]] : values
    }
    let padding = pair("padding", [0, 0])
    if node.op == .conv2d {
      let bias = node.ownInputs.count > 2 ? inputs[2] : "0"
      let residual = gemmEpilogue?.residual ?? "0"
      let activation = gemmEpilogue?.activation ?? "TT_ACT_NONE"
      // With the weight pre-packed in the blob (tt_conv2d_pack_isa for this geometry and path).
      if let packedWeights {
        return [
          "tt_conv2d_packed(\(convolutionShape), \(inputs[0]), (const float *)\(packedWeights), \(bias), "
            + "\(residual), \(activation), \(output), \(scratch ?? "0"));"
        ]
      }
      return [
        "tt_conv2d(\(convolutionShape), \(inputs[0]), \(inputs[1]), \(bias), \(residual), \(activation), "
          + "\(output), \(scratch ?? "0"));"
      ]
    }
    let kernel = pair("kernel", [1, 1])
    let stride = node.attributes["stride"] == nil ? kernel : pair("stride", kernel)
    let common =
      "\(inputs[0]), \(output), \(x[0] * x[1]), \(x[2]), \(x[3]), \(kernel[0]), \(kernel[1]), "
      + "\(stride[0]), \(stride[1]), \(padding[0]), \(padding[1]), \(outShape[2]), \(outShape[3])"
    if node.op == .maxPool2d { return ["\(quantized ? "tt_qmax_pool2d" : "tt_max_pool2d")(\(common));"] }
    let includePad = (node.bool("count_include_pad") ?? true) ? 1 : 0
    return ["tt_avg_pool2d(\(common), \(includePad));"]
  }

  /// A pointer to this convolution's `tt_conv2d_shape`, as a C compound literal.
  var convolutionShape: String {
    let s = node.convolutionShape(
      x: context.inputTypes[0].shape, weight: context.inputTypes[1].shape, y: outShape)
    let fields = [
      s.n, s.c, s.h, s.w, s.o, s.kh, s.kw, s.sh, s.sw, s.ph, s.pw, s.dh, s.dw, s.groups, s.oh, s.ow,
    ]
    return "&(tt_conv2d_shape){\(fields.map(String.init).joined(separator: ", "))}"
  }

  func normalization() throws(CodegenError) -> [String] {
    try context.requireF32()
    let x = context.inputTypes[0].shape
    switch node.op {
    case .batchNorm:
      let channels = x.count > 1 ? x[1] : 1
      let inner = x.count > 2 ? x[2...].reduce(1, *) : 1
      let eps = CSyntax.float(node.float("eps") ?? 1e-5)
      return [
        "for (int64_t n = 0; n < \(x[0]); n++) {",
        "  for (int64_t c = 0; c < \(channels); c++) {",
        "    float scale = \(inputs[1])[c] / sqrtf(\(inputs[4])[c] + \(eps));",
        "    float shift = \(inputs[2])[c] - \(inputs[3])[c] * scale;",
        "    const float *src = \(inputs[0]) + (n * \(channels) + c) * \(inner);",
        "    float *dst = \(output) + (n * \(channels) + c) * \(inner);",
        "    for (int64_t i = 0; i < \(inner); i++) dst[i] = src[i] * scale + shift;",
        "  }",
        "}",
      ]
    case .softmax, .logSoftmax:
      let (_, outer, length, inner) = axisSplit(x, fallback: -1)
      let log = node.op == .logSoftmax ? 1 : 0
      return ["tt_softmax(\(inputs[0]), \(output), \(outer), \(length), \(inner), \(log));"]
    default:  // layer_norm
      let length = x.last ?? 1
      let gamma = inputs.count > 1 ? inputs[1] : "0"
      let beta = inputs.count > 2 ? inputs[2] : "0"
      let eps = CSyntax.float(node.float("eps") ?? 1e-5)
      return [
        "tt_layer_norm(\(inputs[0]), \(gamma), \(beta), \(output), \(count / max(length, 1)), \(length), \(eps), 0, 0);"
      ]
    }
  }

  func attention() throws(CodegenError) -> [String] {
    try context.requireF32()
    // With packed heads (`heads` = H), q/k/v/y are [..., S, H·D]: head h is columns h·D ..< (h+1)·D
    // of every row, so it is read in place with a row stride of H·D.
    let packed = node.attributes["heads"] != nil
    let heads = node.int("heads") ?? 1
    let (q, k, v) = (context.inputTypes[0].shape, context.inputTypes[1].shape, context.inputTypes[2].shape)
    let (sq, sk) = (q[q.count - 2], k[k.count - 2])
    let (d, dv) = (q[q.count - 1] / heads, v[v.count - 1] / heads)
    let outer = Array(outShape.dropLast(2))
    let batch = outer + (packed ? [heads] : [])
    let variables = CSyntax.variables(batch.count, "b")
    func offset(_ shape: [Int], _ matrix: Int, head: Int) -> String {
      let strides = CSyntax.broadcastStrides(Array(shape.dropLast(2)), to: outer).map { $0 * matrix }
      return CSyntax.index(strides + (packed ? [head] : []), variables: variables)
    }
    func operand(_ index: Int, _ shape: [Int], rows: Int, width: Int) -> String {
      "\(index == 3 ? output : inputs[index]) + \(offset(shape, rows * width * heads, head: width)), \(width * heads)"
    }
    let scale = CSyntax.float(node.float("scale") ?? Double(AttentionScale.defaultScale(depth: d)))
    let causal = (node.bool("causal") ?? false) ? 1 : 0
    var mask = "0, TT_F32, 0, 0"
    if inputs.count > 3 {
      let maskType = context.inputTypes[3]
      // Broadcast the mask to [batch..., (heads,) sq, sk] and read it with those strides.
      let full = CSyntax.broadcastStrides(maskType.shape, to: batch + [sq, sk])
      let batchOffset = CSyntax.index(Array(full.dropLast(2)), variables: variables)
      mask =
        "\(inputs[3]) + \(batchOffset), \(CSyntax.enumerator(maskType.dtype)), \(full[batch.count]), \(full[batch.count + 1])"
      if maskType.dtype == .f16 { throw context.unsupported("an f16 mask is not supported (cast it to f32)") }
    }
    let call =
      "tt_attention_head(\(operand(0, q, rows: sq, width: d)), \(operand(1, k, rows: sk, width: d)), "
      + "\(operand(2, v, rows: sk, width: dv)), \(mask), \(operand(3, outShape, rows: sq, width: dv)), "
      + "\(sq), \(sk), \(d), \(dv), \(scale), \(causal), \(scratch ?? "0"));"
    return CSyntax.loopNest(batch, body: [call], variable: "b")
  }

  /// The node's epilogue as `tt_sgemm`'s (or `tt_conv2d`'s) own, applied while each output tile is
  /// in registers: the node's ``TTIR/KernelEpilogue`` (the interpreter fuses the same programs).
  /// `nil` when the program has another form; ``epilogue()`` then runs it as a loop after the
  /// product.
  var gemmEpilogue: (residual: String?, activation: String?)? {
    guard
      let fused = node.kernelEpilogue(inputTypes: context.inputTypes, outputType: context.outputType)
    else { return nil }
    let activation = fused.activation.map(Self.runtimeName)
    // tt_sgemm applies an activation other than ReLU to each stored row of a tile, vectorized
    // along the row; a row narrower than one vector (16 floats) runs it an element at a time,
    // slower than the loop after the product, which runs over the whole output (cost-aware: the
    // XOR MLP's 4-wide tanh layer).
    if let activation = fused.activation, activation != .relu,
      (outShape.last ?? 0) < Self.narrowestActivationRow
    {
      return nil
    }
    return (fused.addsResidual ? inputs.last : nil, activation)
  }

  /// The narrowest output row whose activation `tt_sgemm` applies (see ``gemmEpilogue``).
  static let narrowestActivationRow = 16

  /// The `tt_activation` enumerator of a kernel activation.
  private static func runtimeName(_ activation: KernelEpilogue.Activation) -> String {
    switch activation {
    case .relu: "TT_ACT_RELU"
    case .sigmoid: "TT_ACT_SIGMOID"
    case .tanh: "TT_ACT_TANH"
    case .geluTanh: "TT_ACT_GELU_TANH"
    case .geluErf: "TT_ACT_GELU_ERF"
    }
  }
}
