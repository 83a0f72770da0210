import XCTest

@testable import TinyTorch

final class LayerNormModuleTests: XCTestCase {
  func testNormalizesEachPosition() throws {
    let norm = LayerNorm(4)
    let out = try norm(Tensor([[1, 2, 3, 4], [10, 10, 10, 14]]))
    for r in 0..<2 {
      let row = Array(out.scalars[r * 4..<(r + 1) * 4])
      XCTAssertEqual(row.reduce(0, +) / 4, 0, accuracy: 1e-5)
      XCTAssertEqual(row.map { $0 * $0 }.reduce(0, +) / 4, 1, accuracy: 1e-3)
    }
    XCTAssertEqual(norm.namedParameters().map { $0.0 }, ["weight", "bias"])
    XCTAssertTrue(LayerNorm(4, affine: false).parameters().isEmpty)
  }

  func testFiniteDifferences() throws {
    let norm = LayerNorm(5)
    norm.weight!.updateScalars { for i in $0.indices { $0[i] = 1 + 0.1 * Float(i) } }
    norm.bias!.updateScalars { for i in $0.indices { $0[i] = 0.05 * Float(i) } }
    let x = Tensor.randn([3, 5], seed: 4, requiresGrad: true)
    assertGradientsMatch([x, norm.weight!, norm.bias!]) { _ in
      try norm(x)
    }
  }

  func testWrongWidthThrows() {
    XCTAssertThrowsError(try LayerNorm(4)(Tensor.zeros([2, 3])))
  }
}
