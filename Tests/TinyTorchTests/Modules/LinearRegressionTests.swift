import XCTest

@testable import TinyTorch

/// End to end: a linear layer fitted by plain gradient descent recovers the true parameters.
final class LinearRegressionTests: XCTestCase {
  func testLinearRegressionLearns() throws {
    let x = Tensor.randn([64, 3], seed: 1)
    let trueW = Tensor([[2], [-1], [0.5]])
    let y = try x.matmul(trueW) + 0.25
    let model = Linear(3, 1, seed: 7)
    for _ in 0..<300 {
      model.zeroGrad()
      let loss = try Loss.mse(model(x), y)
      try loss.backward()
      for p in model.parameters() {
        p.updateScalars { v in for i in v.indices { v[i] -= 0.1 * p.grad!.scalars[i] } }
      }
    }
    XCTAssertEqual(model.weight.scalars[0], 2, accuracy: 1e-3)
    XCTAssertEqual(model.weight.scalars[1], -1, accuracy: 1e-3)
    XCTAssertEqual(model.bias!.scalars[0], 0.25, accuracy: 1e-3)
    XCTAssertEqual(model.namedParameters().map { $0.0 }, ["weight", "bias"])
  }
}
