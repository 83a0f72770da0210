import XCTest

@testable import TinyTorch

/// NumPy-like rendering of tensors.
final class DescriptionTests: XCTestCase {
  func testScalarsVectorsAndMatrices() {
    XCTAssertEqual(Tensor(2.5).description, "tensor(2.5)")
    XCTAssertEqual(Tensor([1, -2, 0.125]).description, "tensor([1., -2., 0.125], shape: [3])")
    XCTAssertEqual(
      Tensor([[1, 2], [3, 4]], requiresGrad: true).description,
      "tensor([[1., 2.],\n [3., 4.]], shape: [2, 2], requiresGrad)")
    XCTAssertEqual(try Tensor(shape: [0, 2], scalars: []).description, "tensor([], shape: [0, 2])")
  }

  func testLongAxesAreAbbreviated() {
    XCTAssertEqual(
      Tensor.arange(10).description, "tensor([0., 1., 2., ..., 7., 8., 9.], shape: [10])")
  }

  func testSpecialAndLargeValues() {
    XCTAssertEqual(Tensor([.infinity, -.infinity]).description, "tensor([inf, -inf], shape: [2])")
    XCTAssertEqual(Tensor([.nan]).description, "tensor([nan], shape: [1])")
    XCTAssertEqual(Tensor([1e35, -3e38]).description, "tensor([1e+35, -3e+38], shape: [2])")
    XCTAssertEqual(Tensor([123_456_792]).description, "tensor([1.2345679e+08], shape: [1])")
  }
}
