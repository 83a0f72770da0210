extension Rule {
  /// `a[..., m, k] · b[..., k, n] → [broadcast(batch), m, n]`.
  func inferMatmul() throws(GraphError) -> TensorType {
    try requireFloat(0)
    try requireSameDType([0, 1])
    try requireRank(0, atLeast: 2)
    try requireRank(1, atLeast: 2)
    let a = inputs[0].shape
    let b = inputs[1].shape
    let k = a[a.count - 1]
    let k2 = b[b.count - 2]
    guard k == k2 else { throw error("inner dimensions \(k) and \(k2) differ") }
    let batchA = Array(a.dropLast(2))
    let batchB = Array(b.dropLast(2))
    guard let batch = ShapeInference.broadcast(batchA, batchB) else {
      throw error("batch dimensions \(batchA) and \(batchB) do not broadcast")
    }
    return TensorType(inputs[0].dtype, batch + [a[a.count - 2], b[b.count - 1]])
  }

  /// `x[..., in] · weight[in, out] (+ bias[out]) → [..., out]`; an `f32` x may read an `f16`
  /// weight (widened exactly, computed in `f32`).
  func inferLinear() throws(GraphError) -> TensorType {
    try requireFloat(0)
    try requireFloat(1)
    let halfWeight = inputs[0].dtype == .f32 && inputs[1].dtype == .f16
    try requireSameDType(Array(inputs.indices).filter { !(halfWeight && $0 == 1) })
    try requireRank(0, atLeast: 1)
    try requireRank(1, exactly: 2)
    let x = inputs[0].shape
    let weight = inputs[1].shape
    guard x[x.count - 1] == weight[0] else {
      throw error("input features \(x[x.count - 1]) do not match weight [in, out] = \(weight)")
    }
    if inputs.count == 3 { try requireShape(2, [weight[1]], "[out]") }
    return TensorType(inputs[0].dtype, x.dropLast() + [weight[1]])
  }

  /// `x[..., in]` times a CSR weight (`values[nnz]`, `columns[nnz]` and `row_pointers[out + 1]`,
  /// both `i32`) plus `bias[out]` → `[..., out]`. The CSR contents are checked by the
  /// ``Verifier`` (``CSRMatrix/init(rowPointers:columns:values:columnCount:)``).
  ///
  /// With `layout = "sliced"` (``SlicedSparseMatrix``) the inputs are `values[16·steps]`,
  /// `columns[16·steps]` (`i8`) and, in row_pointers' place, `steps[blocks·chunks]` (`i32`), and
  /// the `out` attribute gives the output features.
  func inferSparseLinear() throws(GraphError) -> TensorType {
    try requireFloat(0)
    try requireSameDType([0, 1] + (inputs.count == 5 ? [4] : []))
    try requireRank(0, atLeast: 1)
    for index in 1...3 { try requireRank(index, exactly: 1) }
    if node.string("layout") == "sliced" { return try inferSlicedSparseLinear() }
    for index in 2...3 where inputs[index].dtype != .i32 {
      throw error("\(inputName(index)) must be i32, got \(inputs[index].dtype)")
    }
    try requireShape(2, inputs[1].shape, "one column per value")
    let out = inputs[3].shape[0] - 1
    guard out >= 0 else { throw error("row_pointers must have at least one entry") }
    if inputs.count == 5 { try requireShape(4, [out], "[out]") }
    return TensorType(inputs[0].dtype, inputs[0].shape.dropLast() + [out])
  }

  /// The sliced layout of ``inferSparseLinear()``.
  private func inferSlicedSparseLinear() throws(GraphError) -> TensorType {
    guard let out = node.int("out"), out >= 0, out <= 1 << 40 else {
      throw error("layout 'sliced' needs the attribute out (the output features, ≥ 0)")
    }
    guard inputs[2].dtype == .i8 else {
      throw error("columns must be i8 in layout 'sliced', got \(inputs[2].dtype)")
    }
    guard inputs[3].dtype == .i32 else {
      throw error("steps must be i32 in layout 'sliced', got \(inputs[3].dtype)")
    }
    try requireShape(2, inputs[1].shape, "one column per value")
    let pairs =
      SlicedSparseMatrix.blocks(outFeatures: out)
      .multipliedReportingOverflow(by: SlicedSparseMatrix.chunks(inFeatures: inputs[0].shape.last!))
    guard !pairs.overflow, inputs[3].shape == [pairs.partialValue] else {
      throw error(
        "steps (in row_pointers' place) must have one count per (block of 16 outputs, chunk of 32 inputs), got \(inputs[3].shape)"
      )
    }
    if inputs.count == 5 { try requireShape(4, [out], "[out]") }
    return TensorType(inputs[0].dtype, inputs[0].shape.dropLast() + [out])
  }

  /// NCHW convolution; see ``ShapeInference/windowOutputSize(input:kernel:stride:padding:dilation:)``.
  func inferConv2d() throws(GraphError) -> TensorType {
    try requireFloat(0)
    try requireSameDType(Array(inputs.indices))
    let shape = try convolutionShape()
    if inputs.count == 3 { try requireShape(2, [shape[1]], "[out_channels]") }
    return TensorType(inputs[0].dtype, shape)
  }

  /// The output shape `[n, out_channels, oh, ow]` of an NCHW convolution of x (input 0) by the
  /// weight (input 1) with this node's `stride`, `padding`, `dilation` and `groups` (`conv2d`,
  /// `quantized_conv2d`).
  func convolutionShape() throws(GraphError) -> [Int] {
    try requireRank(0, exactly: 4)
    try requireRank(1, exactly: 4)
    let stride = try pair("stride", minimum: 1)
    let padding = try pair("padding", minimum: 0)
    let dilation = try pair("dilation", minimum: 1)
    let groups = node.int("groups") ?? 1
    let x = inputs[0].shape
    let w = inputs[1].shape
    guard groups >= 1 else { throw error("groups must be ≥ 1, got \(groups)") }
    guard x[1] % groups == 0, w[0] % groups == 0 else {
      throw error("channels \(x[1]) in and \(w[0]) out must both be divisible by groups \(groups)")
    }
    guard w[2] >= 1, w[3] >= 1 else {
      throw error("kernel \(Array(w[2...])) of weight \(w) must be at least 1×1")
    }
    guard w[1] == x[1] / groups else {
      let perGroup = groups > 1 ? " per group (\(groups) groups)" : ""
      throw error("weight \(w) expects \(w[1]) input channels\(perGroup), input has \(x[1])")
    }
    var spatial: [Int] = []
    for axis in 0..<2 {
      let size = ShapeInference.windowOutputSize(
        input: x[2 + axis], kernel: w[2 + axis], stride: stride[axis], padding: padding[axis],
        dilation: dilation[axis])
      guard size >= 1 else {
        throw error(
          "kernel \(Array(w[2...])) with dilation \(dilation) does not fit padded input \(Array(x[2...]))"
        )
      }
      spatial.append(size)
    }
    // The unfolded input (im2col) of one image and group, which engines may materialize.
    try requireSize(TensorType(.f32, [w[1], w[2], w[3]] + spatial), "the unfolded input")
    return [x[0], w[0]] + spatial
  }

  /// NCHW max/average pooling; `stride` defaults to `kernel`; padding at most half the kernel.
  /// `max_pool2d` also takes quantized `i8` values (an int8 region's scale and zero point carry
  /// through, since quantizing keeps order).
  func inferPool2d() throws(GraphError) -> TensorType {
    if !(node.op == .maxPool2d && inputs[0].dtype == .i8) { try requireFloat(0) }
    try requireRank(0, exactly: 4)
    let kernel = try pair("kernel", minimum: 1)
    let stride = node.attributes["stride"] == nil ? kernel : try pair("stride", minimum: 1)
    let padding = try pair("padding", minimum: 0)
    guard padding[0] <= kernel[0] / 2, padding[1] <= kernel[1] / 2 else {
      throw error("padding \(padding) must be at most half of kernel \(kernel)")
    }
    let x = inputs[0].shape
    var spatial: [Int] = []
    for axis in 0..<2 {
      let size = ShapeInference.windowOutputSize(
        input: x[2 + axis], kernel: kernel[axis], stride: stride[axis], padding: padding[axis])
      guard size >= 1 else {
        throw error("kernel \(kernel) does not fit padded input \(Array(x[2...]))")
      }
      spatial.append(size)
    }
    return TensorType(inputs[0].dtype, [x[0], x[1]] + spatial)
  }

  /// `q[..., Sq, D], k[..., Sk, D], v[..., Sk, Dv] → [..., Sq, Dv]`; batch dimensions broadcast.
  /// A float mask is added to the scores; an integer mask keeps positions where it is nonzero.
  /// Either must broadcast to `[..., Sq, Sk]`.
  func inferAttention() throws(GraphError) -> TensorType {
    try requireFloat(0)
    try requireSameDType([0, 1, 2])
    for index in 0..<3 { try requireRank(index, atLeast: 2) }
    let heads = node.int("heads") ?? 1
    let packed = node.attributes["heads"] != nil
    guard heads >= 1 else { throw error("heads must be at least 1, not \(heads)") }
    let q = inputs[0].shape
    let k = inputs[1].shape
    let v = inputs[2].shape
    for (name, shape) in [("q", q), ("k", k), ("v", v)] where shape[shape.count - 1] % heads != 0 {
      throw error("\(name)'s last dimension \(shape[shape.count - 1]) is not a multiple of \(heads) heads")
    }
    let (sq, d) = (q[q.count - 2], q[q.count - 1] / heads)
    let (sk, dk) = (k[k.count - 2], k[k.count - 1] / heads)
    guard dk == d else { throw error("q head size \(d) and k head size \(dk) differ") }
    guard v[v.count - 2] == sk else {
      throw error("k has \(sk) positions but v has \(v[v.count - 2])")
    }
    let batches = [q, k, v].map { Array($0.dropLast(2)) }
    guard let qk = ShapeInference.broadcast(batches[0], batches[1]),
      let batch = ShapeInference.broadcast(qk, batches[2])
    else {
      throw error(
        "batch dimensions \(batches[0]), \(batches[1]) and \(batches[2]) do not broadcast")
    }
    // With packed heads, the scores have a head axis after the batch axes.
    let scores = batch + (packed ? [heads] : []) + [sq, sk]
    try requireSize(TensorType(.f32, scores), "the attention scores")
    if let mask = optionalInput(3) {
      guard ShapeInference.broadcast(mask.shape, scores) == scores else {
        throw error("mask shape \(mask.shape) does not broadcast to scores \(scores)")
      }
      if mask.dtype.isFloatingPoint && mask.dtype != inputs[0].dtype {
        throw error("additive mask dtype \(mask.dtype) differs from q dtype \(inputs[0].dtype)")
      }
    }
    return TensorType(inputs[0].dtype, batch + [sq, v[v.count - 1]])
  }
}
