import XCTest

@testable import TinyTorch

/// Creation functions and seeded randomness.
final class CreationTests: XCTestCase {
  func testConstants() throws {
    assertValues(Tensor.zeros([2, 3]), [2, 3], [Float](repeating: 0, count: 6))
    assertValues(Tensor.ones([3]), [3], [1, 1, 1])
    assertValues(Tensor.full([2, 2], 7), [2, 2], [7, 7, 7, 7])
    assertValues(Tensor.zeros(like: Tensor([[1, 2]])), [1, 2], [0, 0])
    XCTAssertTrue(Tensor.ones([1], requiresGrad: true).requiresGrad)
    assertValues(Tensor(3), [], [3])
    assertValues(Tensor([[[1, 2]], [[3, 4]]]), [2, 1, 2], [1, 2, 3, 4])
    assertValues(try Tensor(shape: [0, 4], scalars: []), [0, 4], [])
  }

  func testArange() {
    assertValues(Tensor.arange(5), [5], [0, 1, 2, 3, 4])
    assertValues(Tensor.arange(1, 2, step: 0.25), [4], [1, 1.25, 1.5, 1.75])
    assertValues(Tensor.arange(5, 0, step: -2), [3], [5, 3, 1])
    assertValues(Tensor.arange(3, 3), [0], [])
    assertValues(Tensor.arange(2, 0), [0], [])
    XCTAssertEqual(Tensor.arange(0, 1, step: 0.1).count, 10)
  }

  func testSeededRandomIsReproducible() {
    XCTAssertEqual(Tensor.randn([50], seed: 3).scalars, Tensor.randn([50], seed: 3).scalars)
    XCTAssertNotEqual(Tensor.randn([50], seed: 3).scalars, Tensor.randn([50], seed: 4).scalars)
    XCTAssertEqual(Tensor.uniform([50], seed: 3).scalars, Tensor.uniform([50], seed: 3).scalars)
    manualSeed(11)
    let a = Tensor.randn([20])
    manualSeed(11)
    XCTAssertEqual(Tensor.randn([20]).scalars, a.scalars)
    var g1 = RandomGenerator(seed: 5)
    var g2 = RandomGenerator(seed: 5)
    XCTAssertEqual(Tensor.randn([8], using: &g1).scalars, Tensor.randn([8], using: &g2).scalars)
  }

  func testRandomMomentsArePlausible() {
    func moments(_ t: Tensor) -> (mean: Double, std: Double) {
      let n = Double(t.count)
      let mean = t.scalars.reduce(0) { $0 + Double($1) } / n
      let variance = t.scalars.reduce(0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n
      return (mean, variance.squareRoot())
    }
    // 10k samples: the standard error of the mean is 0.01·std.
    let normal = moments(Tensor.randn([100, 100], seed: 1))
    XCTAssertEqual(normal.mean, 0, accuracy: 0.04)
    XCTAssertEqual(normal.std, 1, accuracy: 0.03)
    let shifted = moments(Tensor.randn([10_000], mean: 3, std: 0.5, seed: 2))
    XCTAssertEqual(shifted.mean, 3, accuracy: 0.02)
    XCTAssertEqual(shifted.std, 0.5, accuracy: 0.015)
    let uniform = Tensor.uniform([10_000], low: -2, high: 4, seed: 3)
    XCTAssertTrue(uniform.scalars.allSatisfy { $0 >= -2 && $0 < 4 })
    let u = moments(uniform)
    XCTAssertEqual(u.mean, 1, accuracy: 0.06)
    XCTAssertEqual(u.std, 6 / 12.0.squareRoot(), accuracy: 0.05)
  }
}
