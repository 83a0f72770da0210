import Foundation
import TinyTorch

/// Minimal Adam (Kingma & Ba 2015) for this milestone until the library's optimizer lands.
final class LocalAdam {
  let parameters: [Tensor]
  var learningRate: Float
  let beta1: Float = 0.9
  let beta2: Float = 0.999
  let eps: Float = 1e-8
  private var m: [[Float]]
  private var v: [[Float]]
  private var t = 0

  init(_ parameters: [Tensor], learningRate: Float) {
    self.parameters = parameters
    self.learningRate = learningRate
    m = parameters.map { [Float](repeating: 0, count: $0.count) }
    v = m
  }

  func zeroGrad() { parameters.forEach { $0.zeroGrad() } }

  func step() {
    t += 1
    let c1 = 1 - pow(beta1, Float(t))
    let c2 = 1 - pow(beta2, Float(t))
    for (k, p) in parameters.enumerated() {
      guard let g = p.grad?.scalars else { continue }
      let (b1, b2, lr, eps) = (beta1, beta2, learningRate, eps)
      m[k].withUnsafeMutableBufferPointer { m in
        v[k].withUnsafeMutableBufferPointer { v in
          p.updateScalars { w in
            for i in w.indices {
              m[i] = b1 * m[i] + (1 - b1) * g[i]
              v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
              w[i] -= lr * (m[i] / c1) / ((v[i] / c2).squareRoot() + eps)
            }
          }
        }
      }
    }
  }
}
