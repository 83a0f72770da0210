import TTIR

extension Emission {
  /// `quantized_linear` and `quantized_conv2d`: quantizes an `f32` x per tensor (dynamic), then
  /// multiplies with the int8 kernel the CPU supports and applies the epilogue: `tt_qgemm` and
  /// `tt_qlinear_epilogue` (Runtime/tt_qgemm.c), or `tt_qconv2d` (Runtime/tt_qconv.c); with
  /// ``packedWeights`` (embedded weights, which then hold only the packed form, the row sums with
  /// it) `tt_qlinear_packed` or `tt_qconv2d_packed`.
  /// Scratch (see ``NodeContext/scratchFloats()``) holds, in 4-byte units, the kernel's own
  /// scratch (a linear layer: the accumulators m·n and weight row sums n; a convolution:
  /// `tt_qconv2d_scratch`), then the quantized x.
  func quantized() -> [String] {
    let x = context.inputTypes[0]
    let scratch = scratch ?? "0"
    let bias = inputs.count > 3 ? inputs[3] : "0"
    let relu = (node.bool("relu") ?? false) ? 1 : 0
    var lines = ["int32_t *acc = (int32_t *)\(scratch);"]
    let xq: String
    if x.dtype == .f32 {
      lines += [
        "int8_t *xq = (int8_t *)(acc + \(context.quantizedKernelScratch));",
        "float x_scale;",
        "int32_t x_zero;",
        "tt_dynamic_qparams(\(inputs[0]), \(x.elementCount), &x_scale, &x_zero);",
        "tt_quantize(\(inputs[0]), \(x.elementCount), x_scale, x_zero, xq);",
      ]
      xq = "xq"
    } else {
      lines += [
        "const float x_scale = \(CSyntax.float(node.float("x_scale") ?? 1));",
        "const int32_t x_zero = \(node.int("x_zero_point") ?? 0);",
      ]
      xq = inputs[0]
    }
    let destination =
      outType == .i8
      ? "0, \(output), \(CSyntax.float(node.float("out_scale") ?? 1)), \(node.int("out_zero_point") ?? 0)"
      : "\(output), 0, 1.0f, 0"
    if node.op == .quantizedConv2d, let packedWeights {
      lines.append(
        "tt_qconv2d_packed(TT_INT8_AUTO, \(convolutionShape), \(xq), x_zero, x_scale, \(packedWeights), "
          + "\(inputs[2]), \(bias), \(relu), \(destination), acc);")
      return lines
    }
    if node.op == .quantizedConv2d {
      lines.append(
        "tt_qconv2d(TT_INT8_AUTO, \(convolutionShape), \(xq), x_zero, x_scale, \(inputs[1]), \(inputs[2]), "
          + "\(bias), \(relu), \(destination), acc);")
      return lines
    }
    let weight = context.inputTypes[1].shape
    let (n, k) = (weight[0], weight[1])
    let m = x.rowCount
    if let packedWeights {
      lines.append(
        "tt_qlinear_packed(TT_INT8_AUTO, \(m), \(n), \(k), \(xq), \(packedWeights), acc, x_zero, "
          + "x_scale, \(inputs[2]), \(bias), \(relu), \(destination));")
      return lines
    }
    lines += [
      "int32_t *sums = acc + \(m * n);", "tt_qgemm_row_sums(\(inputs[1]), \(n), \(k), \(k), sums);",
      "tt_qgemm(TT_INT8_AUTO, \(m), \(n), \(k), \(xq), \(k), \(inputs[1]), \(k), sums, acc, \(n));",
      "tt_qlinear_epilogue(acc, \(m), \(n), \(n), sums, x_zero, x_scale, \(inputs[2]), \(bias), \(relu), "
        + "\(destination));",
    ]
    return lines
  }
}
