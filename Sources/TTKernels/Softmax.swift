import Foundation
import TTRuntime

/// Numerically stable softmax and log-softmax along one axis (max-subtracted).
public enum Softmax {
  /// `out = softmax(x)` along `axis`; with `log: true`, `out = log_softmax(x)`: the kernel
  /// library's `tt_softmax` (Runtime/tt_nn.c), the code compiled models run. A row of all −∞
  /// gives zeros (NaN for log-softmax); a NaN in a row makes the whole row NaN. `out` may be `x`.
  public static func forward(
    _ x: UnsafePointer<Float>, shape: [Int], axis: Int, log: Bool = false,
    _ out: UnsafeMutablePointer<Float>
  ) {
    let (outer, length, inner) = ShapeMath.split(shape, axis: axis)
    tt_softmax(x, out, Int64(outer), Int64(length), Int64(inner), log ? 1 : 0)
  }

  /// Gradient of softmax (or log-softmax) given its output `y` and upstream gradient `dy`.
  public static func backward(
    y: UnsafePointer<Float>, dy: UnsafePointer<Float>, shape: [Int], axis: Int, log: Bool = false,
    _ dx: UnsafeMutablePointer<Float>
  ) {
    let (outer, length, inner) = ShapeMath.split(shape, axis: axis)
    for o in 0..<outer {
      for i in 0..<inner {
        let base = o * length * inner + i
        if log {
          // dx = dy - softmax · Σ dy
          var s: Float = 0
          for l in 0..<length { s += dy[base + l * inner] }
          for l in 0..<length {
            let p = tt_expf(y[base + l * inner])
            dx[base + l * inner] = dy[base + l * inner] - p * s
          }
        } else {
          // dx = y ⊙ (dy - Σ y·dy)
          var s: Float = 0
          for l in 0..<length { s += y[base + l * inner] * dy[base + l * inner] }
          for l in 0..<length {
            dx[base + l * inner] = y[base + l * inner] * (dy[base + l * inner] - s)
          }
        }
      }
    }
  }

  /// Softmax cross-entropy of `rows × classes` logits against class indices, stable for any
  /// logit magnitude: row `i` contributes `log Σⱼ e^(xᵢⱼ − mᵢ) − (xᵢ,ₜ − mᵢ)` with `mᵢ` the row
  /// maximum. Writes the softmax probabilities (what the gradient needs) and returns the sum of
  /// the rows' losses.
  public static func crossEntropy(
    _ x: UnsafePointer<Float>, rows: Int, classes: Int, targets: UnsafePointer<Int>,
    probabilities: UnsafeMutablePointer<Float>
  ) -> Double {
    var total: Double = 0
    for r in 0..<rows {
      let row = x + r * classes
      let p = probabilities + r * classes
      let (m, s) = shiftedExponentials(row, count: classes, p)
      let inverse = s > 0 ? 1 / s : 0
      for j in 0..<classes { p[j] *= inverse }
      total += Double(Foundation.log(s) - (row[targets[r]] - m))
    }
    return total
  }

  /// Writes `e^(x[l] − m)` to `out[l]` for `l < count`, with `m` the largest `x[l]` (0 when all
  /// are −∞, so a fully masked row stays finite), by the kernel library's vectorized `exp`
  /// (`tt_activate`); returns `m` and the sum of the exponentials.
  static func shiftedExponentials(
    _ x: UnsafePointer<Float>, count: Int, _ out: UnsafeMutablePointer<Float>
  ) -> (max: Float, sum: Float) {
    var m = -Float.infinity
    for l in 0..<count { m = max(m, x[l]) }
    if m == -.infinity { m = 0 }
    for l in 0..<count { out[l] = x[l] - m }
    tt_activate(out, Int64(count), Gemm.Activation.exp.runtimeValue)
    var s: Float = 0
    for l in 0..<count { s += out[l] }
    return (m, s)
  }
}
