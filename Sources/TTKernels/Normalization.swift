import TTRuntime

/// Layer normalization over the last axis: `y = (x - mean) / sqrt(var + eps) · γ + β`.
public enum LayerNorm {
  /// Normalizes `rows` rows of `width` values: the kernel library's `tt_layer_norm`
  /// (Runtime/tt_nn.c), the code compiled models run. `gamma`/`beta` may be nil (no affine).
  /// When given, `mean` and `rstd` receive each row's statistics for the backward pass.
  public static func forward(
    _ x: UnsafePointer<Float>, rows: Int, width: Int, eps: Float,
    gamma: UnsafePointer<Float>?, beta: UnsafePointer<Float>?,
    _ out: UnsafeMutablePointer<Float>,
    mean: UnsafeMutablePointer<Float>? = nil, rstd: UnsafeMutablePointer<Float>? = nil
  ) {
    tt_layer_norm(x, gamma, beta, out, Int64(rows), Int64(width), eps, mean, rstd)
  }

  /// Gradients of ``forward``: writes `dx`, and adds into `dgamma`/`dbeta` when given.
  public static func backward(
    _ x: UnsafePointer<Float>, dy: UnsafePointer<Float>, rows: Int, width: Int,
    mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>, gamma: UnsafePointer<Float>?,
    dx: UnsafeMutablePointer<Float>,
    dgamma: UnsafeMutablePointer<Float>?, dbeta: UnsafeMutablePointer<Float>?
  ) {
    let inv = 1 / Float(width)
    for r in 0..<rows {
      let src = x + r * width
      let g = dy + r * width
      let out = dx + r * width
      let mu = mean[r]
      let rs = rstd[r]
      var sumG: Float = 0
      var sumGX: Float = 0
      for i in 0..<width {
        let xhat = (src[i] - mu) * rs
        let gi = g[i] * (gamma?[i] ?? 1)
        sumG += gi
        sumGX += gi * xhat
        dgamma?[i] += g[i] * xhat
        dbeta?[i] += g[i]
      }
      for i in 0..<width {
        let xhat = (src[i] - mu) * rs
        let gi = g[i] * (gamma?[i] ?? 1)
        out[i] = rs * (gi - inv * sumG - xhat * inv * sumGX)
      }
    }
  }
}
