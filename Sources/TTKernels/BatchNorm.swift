/// Batch normalization over axis 1 of a `[batch, channels, spatial…]` buffer, viewed as
/// `[batch, channels, spatial]` (`spatial` = product of the trailing axes, 1 for `[N, C]`):
/// `y = (x − mean[c]) / √(variance[c] + eps) · scale[c] + bias[c]`.
public enum BatchNorm {
  /// Per-channel mean and biased variance (divided by `batch · spatial`) of `x`, computed in
  /// two passes for accuracy.
  public static func statistics(
    _ x: UnsafePointer<Float>, batch: Int, channels: Int, spatial: Int,
    mean: UnsafeMutablePointer<Float>, variance: UnsafeMutablePointer<Float>
  ) {
    let inv = 1 / Float(max(batch * spatial, 1))
    for c in 0..<channels {
      var sum: Float = 0
      for n in 0..<batch {
        let row = x + (n * channels + c) * spatial
        for s in 0..<spatial { sum += row[s] }
      }
      let mu = sum * inv
      var squares: Float = 0
      for n in 0..<batch {
        let row = x + (n * channels + c) * spatial
        for s in 0..<spatial {
          let d = row[s] - mu
          squares += d * d
        }
      }
      mean[c] = mu
      variance[c] = squares * inv
    }
  }

  /// Normalizes `x` with the given per-channel statistics (running statistics in inference,
  /// batch statistics in training) and applies the affine `scale`/`bias`.
  public static func forward(
    _ x: UnsafePointer<Float>, batch: Int, channels: Int, spatial: Int,
    scale: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    mean: UnsafePointer<Float>, variance: UnsafePointer<Float>, eps: Float,
    _ out: UnsafeMutablePointer<Float>
  ) {
    for n in 0..<batch {
      for c in 0..<channels {
        let a = scale[c] / (variance[c] + eps).squareRoot()
        let b = bias[c] - mean[c] * a
        let offset = (n * channels + c) * spatial
        for s in 0..<spatial { out[offset + s] = x[offset + s] * a + b }
      }
    }
  }

  /// Gradients of ``forward(_:batch:channels:spatial:scale:bias:mean:variance:eps:_:)``.
  ///
  /// With `batchStatistics` the mean and variance are those of `x` itself (training mode), so
  /// the input gradient also flows through them:
  /// `dx = scale·rstd · (dy − mean(dy) − x̂·mean(dy·x̂))`; otherwise they are constants and
  /// `dx = scale·rstd·dy`. `dscale = Σ dy·x̂`, `dbias = Σ dy`. Every destination is optional
  /// and overwritten when given.
  public static func backward(
    _ x: UnsafePointer<Float>, dy: UnsafePointer<Float>, batch: Int, channels: Int, spatial: Int,
    scale: UnsafePointer<Float>, mean: UnsafePointer<Float>, variance: UnsafePointer<Float>,
    eps: Float, batchStatistics: Bool, dx: UnsafeMutablePointer<Float>?,
    dscale: UnsafeMutablePointer<Float>?, dbias: UnsafeMutablePointer<Float>?
  ) {
    let inv = 1 / Float(max(batch * spatial, 1))
    for c in 0..<channels {
      let mu = mean[c]
      let rstd = 1 / (variance[c] + eps).squareRoot()
      var sumDy: Float = 0
      var sumDyXhat: Float = 0
      for n in 0..<batch {
        let offset = (n * channels + c) * spatial
        for s in 0..<spatial {
          let g = dy[offset + s]
          sumDy += g
          sumDyXhat += g * (x[offset + s] - mu) * rstd
        }
      }
      dscale?[c] = sumDyXhat
      dbias?[c] = sumDy
      guard let dx else { continue }
      let a = scale[c] * rstd
      let (meanDy, meanDyXhat) = batchStatistics ? (sumDy * inv, sumDyXhat * inv) : (0, 0)
      for n in 0..<batch {
        let offset = (n * channels + c) * spatial
        for s in 0..<spatial {
          let xhat = (x[offset + s] - mu) * rstd
          dx[offset + s] = a * (dy[offset + s] - meanDy - xhat * meanDyXhat)
        }
      }
    }
  }
}
