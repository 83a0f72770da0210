import TTIR
import TTKernels

extension MultiHeadAttention {
  /// Whether a call can take the inference path (``inferenceForward(_:isCausal:cache:layerIndex:)``):
  /// fused projections, no mask, and nothing to record: gradient tracking off, no trace being
  /// recorded, and no dropout on the attention weights.
  func canRunInference(mask: Tensor?) -> Bool {
    inputProjection != nil && mask == nil && !GradMode.isEnabled && Tracer.current == nil
      && (!attentionDropout.isTraining || attentionDropout.probability == 0)
  }

  /// Self-attention for inference, the function of the differentiable path with fewer steps: each
  /// head runs the kernel library's fused attention (`tt_attention_head`, which the interpreter
  /// and compiled models run too) on the fused projection's output in place, with no head
  /// split, transposed copy, score tensor or mask; with a cache, the new keys and values are
  /// written into the cache's preallocated buffers and attended to there (no copy of the cached
  /// positions per step).
  func inferenceForward(_ input: Tensor, isCausal: Bool, cache: KVCache?, layerIndex: Int) throws -> Tensor {
    let (batch, length) = (input.shape[0], input.shape[1])
    let (heads, depth) = (headCount, headDimension)
    let projected = try inputProjection!(input)  // [B, S, 3D]: queries, keys, values
    var merged = [Float](repeating: 0, count: batch * length * dimension)
    let scale = AttentionScale.defaultScale(depth: depth)
    let rowWidth = 3 * dimension
    try projected.scalars.withUnsafeBufferPointer { projection in
      try merged.withUnsafeMutableBufferPointer { merged in
        let (source, out) = (projection.baseAddress!, merged.baseAddress!)
        func attend(keys: (Int, Int) -> UnsafePointer<Float>, values: (Int, Int) -> UnsafePointer<Float>, ld: Int, keyCount: Int) {
          for b in 0..<batch {
            for h in 0..<heads {
              Attention.head(
                q: source + b * length * rowWidth + h * depth, ldq: rowWidth, k: keys(b, h), ldk: ld,
                v: values(b, h), ldv: ld, sq: length, sk: keyCount, d: depth, dv: depth, causal: isCausal,
                scale: scale, out + b * length * dimension + h * depth, ldOut: dimension)
            }
          }
        }
        if let cache {
          let keyCount = cache.length + length
          try cache.withAppended(layer: layerIndex, projected: projected) { keys, values in
            let row = { (b: Int, h: Int) in (b * heads + h) * cache.maxLength * depth }
            attend(keys: { keys + row($0, $1) }, values: { values + row($0, $1) }, ld: depth, keyCount: keyCount)
          }
        } else {
          let row = { (b: Int, h: Int) in b * length * rowWidth + h * depth }
          attend(
            keys: { source + self.dimension + row($0, $1) }, values: { source + 2 * self.dimension + row($0, $1) },
            ld: rowWidth, keyCount: length)
        }
      }
    }
    return try outputProjection(Tensor(uncheckedShape: [batch, length, dimension], scalars: merged))
  }
}
