import Foundation
import XCTest

@testable import TinyTorch

/// Each test replays the published update formula by hand, in Double, for a few steps with
/// fixed gradients, and compares with the optimizer.
final class OptimizerTests: XCTestCase {
  let start: [Double] = [1.0, -2.0]
  let gradients: [[Double]] = [[0.5, -1.0], [0.25, 2.0], [-0.75, 0.5]]

  /// Runs `optimizer` over the fixed gradients and checks each step against `expected`.
  func check(
    _ optimizer: Optimizer, _ parameter: Tensor, expected: [[Double]],
    file: StaticString = #filePath, line: UInt = #line
  ) throws {
    for (step, g) in gradients.enumerated() {
      parameter.grad = Tensor(g.map(Float.init))
      try optimizer.step()
      for i in 0..<2 {
        XCTAssertEqual(
          Double(parameter.scalars[i]), expected[step][i], accuracy: 1e-6,
          "step \(step + 1), value \(i)", file: file, line: line)
      }
    }
    XCTAssertEqual(optimizer.stepCount, gradients.count, file: file, line: line)
  }

  func makeParameter() -> Tensor { Tensor(start.map(Float.init), requiresGrad: true) }

  func testPlainSGD() throws {
    let p = makeParameter()
    var x = start
    var expected: [[Double]] = []
    for g in gradients {
      for i in 0..<2 { x[i] -= 0.1 * g[i] }
      expected.append(x)
    }
    try check(SGD([p], learningRate: 0.1), p, expected: expected)
  }

  func testSGDWithMomentumAndWeightDecay() throws {
    let p = makeParameter()
    let (lr, mu, wd) = (0.1, 0.9, 0.01)
    var x = start
    var b = [0.0, 0.0]
    var expected: [[Double]] = []
    for g in gradients {
      for i in 0..<2 {
        let d = g[i] + wd * x[i]
        b[i] = mu * b[i] + d
        x[i] -= lr * b[i]
      }
      expected.append(x)
    }
    let sgd = SGD([p], learningRate: Float(lr), momentum: Float(mu), weightDecay: Float(wd))
    try check(sgd, p, expected: expected)
  }

  func testSGDNesterov() throws {
    let p = makeParameter()
    let (lr, mu) = (0.05, 0.9)
    var x = start
    var b = [0.0, 0.0]
    var expected: [[Double]] = []
    for g in gradients {
      for i in 0..<2 {
        b[i] = mu * b[i] + g[i]
        x[i] -= lr * (g[i] + mu * b[i])
      }
      expected.append(x)
    }
    try check(SGD([p], learningRate: Float(lr), momentum: Float(mu), nesterov: true), p, expected: expected)
  }

  /// Adam's reference with optional L2 (`wd`) or decoupled (`decoupled`) weight decay.
  func adamReference(lr: Double, wd: Double, decoupled: Double) -> [[Double]] {
    let (b1, b2, eps) = (0.9, 0.999, 1e-8)
    var x = start
    var m = [0.0, 0.0]
    var v = [0.0, 0.0]
    var expected: [[Double]] = []
    for (t0, g) in gradients.enumerated() {
      let t = Double(t0 + 1)
      for i in 0..<2 {
        x[i] *= 1 - lr * decoupled
        let d = g[i] + wd * x[i]
        m[i] = b1 * m[i] + (1 - b1) * d
        v[i] = b2 * v[i] + (1 - b2) * d * d
        let mHat = m[i] / (1 - pow(b1, t))
        let vHat = v[i] / (1 - pow(b2, t))
        x[i] -= lr * mHat / (vHat.squareRoot() + eps)
      }
      expected.append(x)
    }
    return expected
  }

  func testAdam() throws {
    let p = makeParameter()
    try check(Adam([p], learningRate: 0.1), p, expected: adamReference(lr: 0.1, wd: 0, decoupled: 0))
  }

  func testAdamWithL2WeightDecay() throws {
    let p = makeParameter()
    try check(
      Adam([p], learningRate: 0.1, weightDecay: 0.1), p,
      expected: adamReference(lr: 0.1, wd: 0.1, decoupled: 0))
  }

  func testAdamWDecouplesWeightDecay() throws {
    let p = makeParameter()
    try check(
      AdamW([p], learningRate: 0.1, weightDecay: 0.1), p,
      expected: adamReference(lr: 0.1, wd: 0, decoupled: 0.1))
  }

  func testRMSprop() throws {
    let p = makeParameter()
    let (lr, alpha, eps) = (0.01, 0.99, 1e-8)
    var x = start
    var v = [0.0, 0.0]
    var expected: [[Double]] = []
    for g in gradients {
      for i in 0..<2 {
        v[i] = alpha * v[i] + (1 - alpha) * g[i] * g[i]
        x[i] -= lr * g[i] / (v[i].squareRoot() + eps)
      }
      expected.append(x)
    }
    try check(RMSprop([p], learningRate: Float(lr)), p, expected: expected)
  }

  func testRMSpropWithMomentum() throws {
    let p = makeParameter()
    let (lr, alpha, eps, mu) = (0.01, 0.9, 1e-8, 0.5)
    var x = start
    var v = [0.0, 0.0]
    var b = [0.0, 0.0]
    var expected: [[Double]] = []
    for g in gradients {
      for i in 0..<2 {
        v[i] = alpha * v[i] + (1 - alpha) * g[i] * g[i]
        b[i] = mu * b[i] + g[i] / (v[i].squareRoot() + eps)
        x[i] -= lr * b[i]
      }
      expected.append(x)
    }
    let optimizer = RMSprop([p], learningRate: Float(lr), alpha: Float(alpha), momentum: Float(mu))
    try check(optimizer, p, expected: expected)
  }

  func testParametersWithoutGradientAreSkipped() throws {
    let a = Tensor([1, 2], requiresGrad: true)
    let b = Tensor([3, 4], requiresGrad: true)
    a.grad = Tensor([1, 1])
    let sgd = SGD([a, b], learningRate: 0.5)
    try sgd.step()
    XCTAssertEqual(a.scalars, [0.5, 1.5])
    XCTAssertEqual(b.scalars, [3, 4])
    sgd.zeroGrad()
    XCTAssertNil(a.grad)
  }

  func testStateDictRestoresAdamExactly() throws {
    let p = makeParameter()
    let adam = Adam([p], learningRate: 0.1)
    p.grad = Tensor([0.5, -1])
    try adam.step()
    let saved = adam.stateDict()
    XCTAssertEqual(saved.map(\.name), ["step", "learning_rate", "0.exp_avg", "0.exp_avg_sq"])
    XCTAssertEqual(saved[2].tensor.scalars[0], 0.05, accuracy: 1e-6)  // (1 − β₁)·g
    XCTAssertEqual(saved[3].tensor.scalars[1], 0.001, accuracy: 1e-7)  // (1 − β₂)·g²

    let twin = makeParameter()
    try twin.assign(p)
    let restored = Adam([twin], learningRate: 0.9)
    try restored.loadStateDict(saved)
    XCTAssertEqual(restored.stepCount, 1)
    XCTAssertEqual(restored.learningRate, 0.1)
    for parameter in [p, twin] { parameter.grad = Tensor([0.25, 2]) }
    try adam.step()
    try restored.step()
    XCTAssertEqual(p.scalars, twin.scalars)  // bit-identical
  }

  func testLoadStateDictRejectsMissingAndMisshapenEntries() throws {
    let adam = Adam([makeParameter()])
    var missing = adam.stateDict()
    missing.removeLast()
    XCTAssertThrowsError(try adam.loadStateDict(missing)) { error in
      XCTAssertTrue("\(error)".contains("missing entry '0.exp_avg_sq'"), "\(error)")
    }
    var misshapen = adam.stateDict()
    misshapen[2] = (name: "0.exp_avg", tensor: Tensor.zeros([3]))
    XCTAssertThrowsError(try adam.loadStateDict(misshapen)) { error in
      XCTAssertTrue("\(error)".contains("'0.exp_avg' has shape [3], expected [2]"), "\(error)")
    }
    let extra = adam.stateDict() + [(name: "bogus", tensor: Tensor(1))]
    XCTAssertThrowsError(try adam.loadStateDict(extra)) { error in
      XCTAssertTrue("\(error)".contains("unexpected entry 'bogus'"), "\(error)")
    }
  }

  func testStepSchedule() {
    let schedule = StepSchedule(initialLearningRate: 0.1, stepSize: 2, gamma: 0.5)
    XCTAssertEqual((0..<5).map { schedule.learningRate(epoch: $0) }, [0.1, 0.1, 0.05, 0.05, 0.025])
  }

  func testCosineSchedule() {
    let schedule = CosineSchedule(maxLearningRate: 0.1, minLearningRate: 0.01, totalEpochs: 4)
    let expected = (0..<6).map { e -> Double in
      e >= 4 ? 0.01 : 0.01 + 0.09 * (1 + cos(Double.pi * Double(e) / 4)) / 2
    }
    for e in 0..<6 {
      XCTAssertEqual(Double(schedule.learningRate(epoch: e)), expected[e], accuracy: 1e-7)
    }
    XCTAssertEqual(schedule.learningRate(epoch: 2), 0.055, accuracy: 1e-7)
  }

  func testGlobalGradientNormClipping() {
    let a = Tensor([0, 0], requiresGrad: true)
    let b = Tensor([0], requiresGrad: true)
    let unused = Tensor([0], requiresGrad: true)
    a.grad = Tensor([3, 0])
    b.grad = Tensor([4])
    let norm = clipGradientNorm([a, b, unused], maxNorm: 1)
    XCTAssertEqual(norm, 5)
    XCTAssertEqual(a.grad!.scalars[0], 0.6, accuracy: 1e-6)
    XCTAssertEqual(b.grad!.scalars[0], 0.8, accuracy: 1e-6)
    // Below the limit nothing changes.
    XCTAssertEqual(clipGradientNorm([a, b], maxNorm: 10), 1, accuracy: 1e-5)
    XCTAssertEqual(a.grad!.scalars[0], 0.6, accuracy: 1e-6)
  }

  func testAdamTrainsAModel() throws {
    let x = Tensor.randn([32, 2], seed: 3)
    let y = try x.matmul(Tensor([[1.5], [-0.5]]))
    let model = Linear(2, 1, seed: 1)
    let adam = Adam(model.parameters(), learningRate: 0.05)
    var last: Float = .infinity
    for _ in 0..<200 {
      adam.zeroGrad()
      let loss = try Loss.mse(model(x), y)
      try loss.backward()
      try adam.step()
      last = loss.item
    }
    XCTAssertLessThan(last, 1e-3)
  }

  /// The vectorized kernels process 16 values at a time plus a tail: check 37 values (two full
  /// chunks and a tail of 5) against the Adam formula, and that subnormal moments are flushed.
  func testAdamOnFullChunksAndTail() throws {
    var generator = RandomGenerator(seed: 8)
    let start = (0..<37).map { _ in Double(generator.nextNormal()) }
    let p = Tensor(start.map(Float.init), requiresGrad: true)
    let adam = Adam([p], learningRate: 0.01)
    var x = start
    var m = [Double](repeating: 0, count: 37)
    var v = [Double](repeating: 0, count: 37)
    for t in 1...3 {
      let g = (0..<37).map { _ in Double(generator.nextNormal()) }
      p.grad = Tensor(g.map(Float.init))
      try adam.step()
      for i in 0..<37 {
        m[i] = 0.9 * m[i] + 0.1 * g[i]
        v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i]
        let mHat = m[i] / (1 - pow(0.9, Double(t)))
        let vHat = v[i] / (1 - pow(0.999, Double(t)))
        x[i] -= 0.01 * mHat / (vHat.squareRoot() + 1e-8)
        XCTAssertEqual(Double(p.scalars[i]), x[i], accuracy: 1e-6, "step \(t), value \(i)")
      }
    }
    // 0.9 × 1.2e-38 is below the normal range (1.18e-38), so it is stored as zero.
    var state = adam.stateDict()
    state[2] = (name: "0.exp_avg", tensor: Tensor([Float](repeating: 1.2e-38, count: 37)))
    try adam.loadStateDict(state)
    p.grad = Tensor.zeros([37])
    try adam.step()
    XCTAssertEqual(adam.stateDict()[2].tensor.scalars, [Float](repeating: 0, count: 37))
  }
}
