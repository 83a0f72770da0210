import TTIR

/// A node with the types of its inputs and output.
struct NodeContext {
  let node: Node
  let index: Int
  let inputTypes: [TensorType]
  let outputType: TensorType

  /// An error naming this node, e.g. `node 'fc1' (linear): f16 is not supported by the C backend`.
  func unsupported(_ message: String) -> CodegenError {
    .unsupported("node '\(node.name)' (\(node.op)): \(message)")
  }

  /// Requires every input to be `f32`, except an attention mask (input 3 of
  /// `scaled_dot_product_attention`) and gather indices (input 1 of `gather`).
  func requireF32() throws(CodegenError) {
    for (index, type) in inputTypes.enumerated() where type.dtype != .f32 {
      if node.op == .scaledDotProductAttention && index == 3 { continue }  // masks may be integers
      if node.op == .gather && index == 1 { continue }  // indices
      throw unsupported(
        "the C backend computes this op in f32 only, input \(index) is \(type.dtype) (cast it first)")
    }
  }

  /// Floats of scratch the node's kernel needs while it runs.
  func scratchFloats() throws(CodegenError) -> Int {
    switch node.op {
    case .matmul, .linear:
      return Self.gemmScratchFloats(k: inputTypes[0].shape.last ?? 0)
    case .conv2d:
      let (x, w, y) = (inputTypes[0].shape, inputTypes[1].shape, outputType.shape)
      let groups = node.int("groups") ?? 1
      let rows = x[1] / groups * w[2] * w[3]
      return rows * y[2] * y[3] + Self.gemmScratchFloats(k: rows)
    case .scaledDotProductAttention:
      // tt_attention_scratch: the [sq, sk] scores and GEMM scratch for inner sizes d and sk.
      let (q, k) = (inputTypes[0].shape, inputTypes[1].shape)
      let (sq, d, sk) = (q[q.count - 2], q[q.count - 1], k[k.count - 2])
      return sq * sk + Self.gemmScratchFloats(k: max(d, sk))
    case .quantizedLinear:
      // Accumulators, weight row sums, and an f32 x quantized (see Emission.quantized()).
      let (n, k) = (inputTypes[1].shape[0], inputTypes[1].shape[1])
      let m = inputTypes[0].elementCount / max(k, 1)
      return m * n + n + (inputTypes[0].dtype == .f32 ? (m * k + 3) / 4 : 0)
    default:
      return 0
    }
  }

  /// Floats of scratch `tt_sgemm` needs for inner dimension `k`: one packed panel of 32 columns
  /// (`tt_sgemm_scratch` and `TT_NR` in `Runtime/tt_gemm.c`; keep the two in step).
  static func gemmScratchFloats(k: Int) -> Int { k * 32 }
}
