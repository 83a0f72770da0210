import XCTest

@testable import TinyTorch

/// Every shape error throws (never traps) and names the operation and both shapes.
final class ShapeErrorTests: XCTestCase {
  let a = Tensor.zeros([2, 3])
  let b = Tensor.zeros([4])

  func testBinaryOps() {
    assertThrowsTensorError(["add", "[2, 3]", "[4]"]) { try self.a + self.b }
    assertThrowsTensorError(["sub", "[2, 3]", "[4]"]) { try self.a - self.b }
    assertThrowsTensorError(["mul", "[4]", "[2, 3]"]) { try self.b * self.a }
    assertThrowsTensorError(["div", "[2, 3]", "[3, 2]"]) { try self.a / Tensor.zeros([3, 2]) }
    assertThrowsTensorError(["pow", "[2, 3]", "[4]"]) { try self.a ** self.b }
    assertThrowsTensorError(["maximum", "[2, 3]", "[4]"]) { try self.a.maximum(self.b) }
    assertThrowsTensorError(["minimum", "[2, 3]", "[4]"]) { try self.a.minimum(self.b) }
    assertThrowsTensorError(["[2, 3]", "[4]"]) { try self.a.eq(self.b) }
  }

  func testMatmulAndLinear() {
    assertThrowsTensorError(["matmul", "[2, 3]", "[4]"]) { try self.a.matmul(self.b) }
    assertThrowsTensorError(["matmul", "[2, 3]", "[2, 3]"]) { try self.a.matmul(self.a) }
    assertThrowsTensorError(["matmul", "[4]", "[2, 3]"]) { try self.b.matmul(self.a) }
    assertThrowsTensorError(["matmul", "[4]", "[3]"]) { try self.b.matmul(Tensor.zeros([3])) }
    assertThrowsTensorError(["matmul", "[2, 2, 3]", "[3, 3, 1]"]) {
      try Tensor.zeros([2, 2, 3]).matmul(Tensor.zeros([3, 3, 1]))
    }
    assertThrowsTensorError(["matmul", "[]", "[3]"]) { try Tensor(1).matmul(Tensor.zeros([3])) }
    assertThrowsTensorError(["linear", "[2, 3]", "[4, 5]"]) {
      try self.a.linear(weight: Tensor.zeros([4, 5]))
    }
    assertThrowsTensorError(["linear", "[4]", "[5]"]) {
      try self.a.linear(weight: Tensor.zeros([3, 5]), bias: self.b)
    }
  }

  func testShapeChanges() {
    assertThrowsTensorError(["reshape", "[2, 3]", "[4]"]) { try self.a.reshaped([4]) }
    assertThrowsTensorError(["reshape", "[2, 3]", "[-1, 4]"]) { try self.a.reshaped([-1, 4]) }
    assertThrowsTensorError(["reshape", "[2, 3]", "[-1, -1]"]) { try self.a.reshaped([-1, -1]) }
    assertThrowsTensorError(["reshape", "[2, 3]", "[-2, -3]"]) { try self.a.reshaped([-2, -3]) }
    assertThrowsTensorError(["permute", "[0, 0]", "[2, 3]"]) { try self.a.permuted([0, 0]) }
    assertThrowsTensorError(["permute", "[0]", "[2, 3]"]) { try self.a.permuted([0]) }
    assertThrowsTensorError(["permute", "[0, 2]", "[2, 3]"]) { try self.a.permuted([0, 2]) }
    assertThrowsTensorError(["squeeze", "[2, 3]"]) { try self.a.squeezed(axis: 0) }
  }

  func testConcatAndStack() {
    assertThrowsTensorError(["concat", "[2, 3]", "[2, 4]"]) {
      try Tensor.concat([self.a, Tensor.zeros([2, 4])], axis: 0)
    }
    assertThrowsTensorError(["concat", "[2, 3]", "[4]"]) { try Tensor.concat([self.a, self.b]) }
    assertThrowsTensorError(["concat"]) { try Tensor.concat([]) }
    assertThrowsTensorError(["stack", "[2, 3]", "[3, 2]"]) {
      try Tensor.stack([self.a, Tensor.zeros([3, 2])])
    }
    assertThrowsTensorError(["stack", "[2, 3]", "[2, 4]"]) {
      try Tensor.stack([self.a, self.a, Tensor.zeros([2, 4])], axis: -1)
    }
    assertThrowsTensorError(["stack", "4"]) { try Tensor.stack([self.a, self.a], axis: 4) }
    assertThrowsTensorError(["stack"]) { try Tensor.stack([]) }
  }

  func testLossesAndNormalization() {
    let p = Tensor.zeros([3, 2])
    assertThrowsTensorError(["mse", "[2, 3]", "[3, 2]"]) { try Loss.mse(self.a, p) }
    assertThrowsTensorError(["binary_cross_entropy", "[2, 3]", "[3, 2]"]) {
      try Loss.binaryCrossEntropy(self.a, p)
    }
    assertThrowsTensorError(["binary_cross_entropy_with_logits", "[2, 3]", "[3, 2]"]) {
      try Loss.binaryCrossEntropyWithLogits(self.a, p)
    }
    assertThrowsTensorError(["nll", "[2, 3]", "[3]"]) { try Loss.nll(self.a, Tensor([0, 1, 2])) }
    assertThrowsTensorError(["nll", "[2, 2, 3]", "[2]"]) {
      try Loss.crossEntropy(Tensor.zeros([2, 2, 3]), [0, 1])
    }
    assertThrowsTensorError(["layer_norm", "[2, 3]", "[4]"]) { try self.a.layerNorm(gamma: self.b) }
    assertThrowsTensorError(["layer_norm", "[2, 3]", "[2]"]) { try self.a.layerNorm(beta: Tensor.zeros([2])) }
  }

  func testConstructionAndAssignment() {
    assertThrowsTensorError(["[2, 3]", "6", "5"]) { try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5]) }
    assertThrowsTensorError(["negative", "[-1, 2]"]) { try Tensor(shape: [-1, 2], scalars: []) }
    assertThrowsTensorError(["assign", "[2, 3]", "[4]"]) { try self.a.assign(self.b) }
  }
}
