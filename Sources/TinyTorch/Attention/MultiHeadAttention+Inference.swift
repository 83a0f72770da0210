import TTIR
import TTKernels

extension MultiHeadAttention {
  /// Whether a call can take the inference path (``inferenceForward(_:isCausal:cache:layerIndex:)``):
  /// fused projections, no mask, and nothing to record: gradient tracking off, no trace being
  /// recorded, and no dropout on the attention weights.
  func canRunInference(mask: Tensor?) -> Bool {
    inputProjection != nil && mask == nil && InferenceFusion.isAllowed && attentionDropout.isIdentity
  }

  /// Self-attention for inference, the function of the differentiable path with fewer steps: each
  /// head runs the kernel library's fused attention (`tt_attention_head`, which the interpreter
  /// and compiled models run too) on the fused projection's output in place, with no head
  /// split, transposed copy, score tensor or mask; with a cache, the new keys and values are
  /// written into the cache's preallocated buffers and attended to there (no copy of the cached
  /// positions per step). A `residual` (the input's shape) is added by the output projection as it
  /// stores its product.
  func inferenceForward(
    _ input: Tensor, isCausal: Bool, cache: KVCache?, layerIndex: Int, residual: Tensor? = nil
  ) throws -> Tensor {
    let (batch, length, depth) = (input.shape[0], input.shape[1], headDimension)
    let projected = try inputProjection!(input)  // [B, S, 3D]: queries, keys, values
    var merged = [Float](repeating: 0, count: batch * length * dimension)
    // Runs every head of every sequence: sequence b, head h reads its keys and values `keyCount`
    // rows of `ld` floats from `keys(b, h)` and `values(b, h)`.
    func attend(
      keyCount: Int, ld: Int, keys: (Int, Int) -> UnsafePointer<Float>,
      values: (Int, Int) -> UnsafePointer<Float>
    ) {
      projected.scalars.withUnsafeBufferPointer { projected in
        merged.withUnsafeMutableBufferPointer { merged in
          for b in 0..<batch {
            for h in 0..<headCount {
              Attention.head(
                q: projected.baseAddress! + b * length * 3 * dimension + h * depth, ldq: 3 * dimension,
                k: keys(b, h), ldk: ld, v: values(b, h), ldv: ld, sq: length, sk: keyCount, d: depth,
                dv: depth,
                causal: isCausal, scale: AttentionScale.defaultScale(depth: depth),
                merged.baseAddress! + b * length * dimension + h * depth, ldOut: dimension)
            }
          }
        }
      }
    }
    if let cache {
      let (keyCount, slots) = (cache.length + length, cache.maxLength)
      try cache.withAppended(layer: layerIndex, projected: projected) { keys, values in
        let row = { (b: Int, h: Int) in (b * self.headCount + h) * slots * depth }
        attend(keyCount: keyCount, ld: depth, keys: { keys + row($0, $1) }, values: { values + row($0, $1) })
      }
    } else {
      projected.scalars.withUnsafeBufferPointer { projected in
        let row = { (b: Int, h: Int) in projected.baseAddress! + b * length * 3 * self.dimension + h * depth }
        attend(
          keyCount: length, ld: 3 * dimension, keys: { row($0, $1) + self.dimension },
          values: { row($0, $1) + 2 * self.dimension })
      }
    }
    return try outputProjection(Tensor(uncheckedShape: input.shape, scalars: merged), adding: residual)
  }
}
