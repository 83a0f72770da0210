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
        var m = -Float.infinity
        for l in 0..<length { m = max(m, x[base + l * inner]) }
        if m == -.infinity { m = 0 }  // fully masked row: keep it finite
        var s: Float = 0
        for l in 0..<length {
          let e = Foundation.exp(x[base + l * inner] - m)
          out[base + l * inner] = e
          s += e
        }
        if log {
          // (x − m) − log s, not x − (m + log s): the latter rounds log s away for large m.
          let logS = Foundation.log(s)
          for l in 0..<length { out[base + l * inner] = (x[base + l * inner] - m) - logS }
        } else {
          let r = s > 0 ? 1 / s : 0
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
}
