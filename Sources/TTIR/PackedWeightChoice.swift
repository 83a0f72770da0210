/// Which weights an engine keeps pre-packed for its GEMM (the `pack_weight` hint, docs/IR.md): the
/// one decision the pass `pack-weights`, the interpreter and the C emitter share.
extension TensorData {
  /// Whether this constant can be kept in the GEMM's packed layout: a non-empty `f32` matrix
  /// (`[k, n]`, the right operand of a `linear` or `matmul`).
  public var isPackableF32Matrix: Bool {
    dtype == .f32 && shape.count == 2 && type.elementCount > 0
  }
}

extension Graph {
  /// The weight of `node` an engine reads pre-packed: input 1 of a `linear` or `matmul` marked
  /// `pack_weight` (pass `pack-weights`) when it is a weight of this graph that
  /// ``TensorData/isPackableF32Matrix``. The interpreter packs it when it plans the graph; a
  /// compiled library with embedded weights stores it packed for its GEMM path.
  public func packedF32Weight(of node: Node) -> String? {
    guard node.op == .linear || node.op == .matmul, node.bool("pack_weight") == true,
      node.inputs.count > 1, let weight = weights[node.inputs[1]], weight.isPackableF32Matrix
    else { return nil }
    return node.inputs[1]
  }
}

extension Graph {
  /// The weight of `node` an engine reads pre-packed for its convolution: input 1 of a `conv2d`
  /// when it is a non-empty `f32` weight of this graph (`tt_conv2d_pack`, Runtime/tt_conv.c: the
  /// layout the convolution algorithm chosen for the node's shape reads, so no call re-packs it).
  /// The interpreter packs it when it plans the graph; a compiled library with embedded weights
  /// stores it packed for its path. No hint is needed: every such weight is read that way.
  public func packedConvolutionWeight(of node: Node) -> String? {
    guard node.op == .conv2d, node.inputs.count > 1, let weight = weights[node.inputs[1]],
      weight.dtype == .f32, weight.shape.count == 4, weight.type.elementCount > 0
    else { return nil }
    return node.inputs[1]
  }
}
