import Foundation

/// Numerically stable softmax and log-softmax along one axis (max-subtracted).
public enum Softmax {
  /// `out = softmax(x)` along `axis`; with `log: true`, `out = log_softmax(x)`.
  public static func forward(
    _ x: UnsafePointer<Float>, shape: [Int], axis: Int, log: Bool = false,
    _ out: UnsafeMutablePointer<Float>
  ) {
    let (outer, length, inner) = ShapeMath.split(shape, axis: axis)
    for o in 0..<outer {
      for i in 0..<inner {
        let base = o * length * inner + i
        let (m, s) = shiftedExponentials(x + base, stride: inner, count: length, out + base)
        if log {
          // (x − m) − log s, not x − (m + log s): the latter rounds log s away for large m.
          let logS = Foundation.log(s)
          for l in 0..<length { out[base + l * inner] = (x[base + l * inner] - m) - logS }
        } else {
          // s is 0 only for a fully masked row (every element −inf: zeros); a NaN sum (a NaN in
          // the row) makes every output NaN, as in compiled models.
          let r = s == 0 ? 0 : 1 / s
          for l in 0..<length { out[base + l * inner] *= r }
        }
      }
    }
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
            let p = Foundation.exp(y[base + l * inner])
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
      let (m, s) = shiftedExponentials(row, stride: 1, count: classes, p)
      let inverse = s > 0 ? 1 / s : 0
      for j in 0..<classes { p[j] *= inverse }
      total += Double(Foundation.log(s) - (row[targets[r]] - m))
    }
    return total
  }

  /// Writes `e^(x[l·stride] − m)` to `out[l·stride]` for `l < count`, with `m` the largest
  /// `x[l·stride]` (0 when all are −∞, so a fully masked row stays finite); returns `m` and the
  /// sum of the exponentials.
  @inline(__always)
  static func shiftedExponentials(
    _ x: UnsafePointer<Float>, stride: Int, count: Int, _ out: UnsafeMutablePointer<Float>
  ) -> (max: Float, sum: Float) {
    var m = -Float.infinity
    for l in 0..<count { m = max(m, x[l * stride]) }
    if m == -.infinity { m = 0 }
    var s: Float = 0
    for l in 0..<count {
      let e = Foundation.exp(x[l * stride] - m)
      out[l * stride] = e
      s += e
    }
    return (m, s)
  }
}
