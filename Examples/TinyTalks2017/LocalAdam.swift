import Foundation
import TinyTorch

/// Minimal Adam (Kingma & Ba 2015) for this milestone until the library's optimizer lands.
final class LocalAdam {
  let parameters: [Tensor]
  let learningRate: Float
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
      p.updateScalars { w in
        for i in w.indices {
          m[k][i] = beta1 * m[k][i] + (1 - beta1) * g[i]
          v[k][i] = beta2 * v[k][i] + (1 - beta2) * g[i] * g[i]
          w[i] -= learningRate * (m[k][i] / c1) / ((v[k][i] / c2).squareRoot() + eps)
        }
      }
    }
  }
}
