import TTIR
import TTKernels

extension Kernels {
  /// `scaled_dot_product_attention` with
  /// ``TTKernels/Attention/forward(q:qShape:k:kShape:v:vShape:heads:mask:causal:scale:_:)`` (the kernel
  /// library's `tt_attention_head`, as in compiled models): a float mask is added to the scores, an
  /// integer mask keeps positions where it is nonzero, and `causal` keeps key `j` for query `i`
  /// when `j ≤ i + Sk − Sq` (queries aligned with the last keys, as with a KV cache). A query whose
  /// keys are all blocked gets a zero output row. With `heads`, q, k and v are `[..., S, heads·D]`
  /// and each head is read and written in place.
  static func attention(_ step: Step, _ arguments: [InterpreterTensor]) -> InterpreterTensor {
    let node = step.node
    let heads = node.int("heads")
    let (q, k, v) = (arguments[0].shape, arguments[1].shape, arguments[2].shape)
    let depth = q[q.count - 1] / (heads ?? 1)
    let scale = node.float("scale").map(Float.init) ?? AttentionScale.defaultScale(depth: depth)
    let mask = arguments.count > 3 ? arguments[3] : nil
    let kind: Attention.MaskKind = mask?.dtype.isFloatingPoint ?? true ? .additive : .keep
    return compute(step.outputType, arguments) { inputs, out in
      Attention.forward(
        q: inputs[0], qShape: q, k: inputs[1], kShape: k, v: inputs[2], vShape: v, heads: heads,
        mask: mask.map { Attention.Mask(inputs[3], shape: $0.shape, kind: kind) },
        causal: node.bool("causal") ?? false, scale: scale, out)
    }
  }
}
