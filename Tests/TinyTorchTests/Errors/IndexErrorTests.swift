import XCTest

@testable import TinyTorch

/// Out-of-range axes and indices throw descriptive errors.
final class IndexErrorTests: XCTestCase {
  let x = Tensor.zeros([2, 3])

  func testAxesOutOfRange() {
    assertThrowsTensorError(["sum", "2"]) { try self.x.sum(axis: 2) }
    assertThrowsTensorError(["mean", "-3"]) { try self.x.mean(axis: -3) }
    assertThrowsTensorError(["max", "5"]) { try self.x.max(axes: [0, 5]) }
    assertThrowsTensorError(["min", "repeated"]) { try self.x.min(axes: [1, -1]) }
    assertThrowsTensorError(["argmax", "2"]) { try self.x.argmax(axis: 2) }
    assertThrowsTensorError(["softmax", "2"]) { try self.x.softmax(axis: 2) }
    assertThrowsTensorError(["log_softmax", "-3"]) { try self.x.logSoftmax(axis: -3) }
    assertThrowsTensorError(["softmax"]) { try Tensor(1).softmax() }
    assertThrowsTensorError(["transpose", "[2, 3]"]) { try self.x.transposed(0, 2) }
    assertThrowsTensorError(["unsqueeze", "4"]) { try self.x.unsqueezed(axis: 4) }
    assertThrowsTensorError(["unsqueeze", "-4"]) { try self.x.unsqueezed(axis: -4) }
    assertThrowsTensorError(["squeeze", "2"]) { try self.x.squeezed(axis: 2) }
    assertThrowsTensorError(["flatten", "2"]) { try self.x.flattened(startAxis: 2) }
    assertThrowsTensorError(["concat", "2"]) { try Tensor.concat([self.x, self.x], axis: 2) }
    assertThrowsTensorError(["slice", "2"]) { try self.x.slice(axis: 2, start: 0) }
    assertThrowsTensorError(["gather", "2"]) { try self.x.gather(axis: 2, indices: Tensor([0])) }
    assertThrowsTensorError(["max", "empty", "[2, 0]"]) { try Tensor.zeros([2, 0]).max(axis: 1) }
    assertThrowsTensorError(["argmax", "[2, 0]"]) { try Tensor.zeros([2, 0]).argmax(axis: 1) }
  }

  func testSliceArguments() {
    assertThrowsTensorError(["slice", "positive"]) { try self.x.slice(axis: 1, step: 0) }
    assertThrowsTensorError(["slice", "positive"]) { try self.x.slice(axis: 1, step: -1) }
    assertThrowsTensorError(["slice", "[2, 3]"]) { try self.x.slice(starts: [0], ends: [1], steps: [1]) }
  }

  func testSubscripts() {
    assertThrowsTensorError(["subscript", "2", "size 2"]) { try self.x[2] }
    assertThrowsTensorError(["subscript", "-3"]) { try self.x[-3] }
    assertThrowsTensorError(["subscript", "3"]) { try self.x[1..<3] }
    assertThrowsTensorError(["subscript", "-1"]) { try self.x[-1..<1] }
    assertThrowsTensorError(["subscript", "scalar"]) { try Tensor(1)[0] }
  }

  func testGatherIndicesOutOfRange() {
    assertThrowsTensorError(["gather", "3", "size 3"]) {
      try self.x.gather(axis: 1, indices: Tensor([0, 3]))
    }
    assertThrowsTensorError(["gather", "-1"]) { try self.x.gather(axis: 0, indices: Tensor([-1])) }
    assertThrowsTensorError(["gather", "0.5"]) { try self.x.gather(axis: 0, indices: Tensor([0.5])) }
    assertThrowsTensorError(["gather", "2"]) { try self.x.rows([0, 2]) }
  }

  func testNLLTargetsOutOfRange() {
    let lp = Tensor.zeros([2, 3])
    assertThrowsTensorError(["nll", "3", "row 1", "0..<3"]) { try Loss.nll(lp, Tensor([0, 3])) }
    assertThrowsTensorError(["nll", "-1"]) { try Loss.nll(lp, Tensor([-1, 0])) }
    assertThrowsTensorError(["nll", "1.5"]) { try Loss.nll(lp, Tensor([1.5, 0])) }
    assertThrowsTensorError(["nll", "5"]) { try Loss.crossEntropy(lp, [5, 0]) }
  }

  func testBackwardOnATensorOfTheWrongKind() {
    assertThrowsTensorError(["backward"]) { try Tensor([1, 2]).backward(seed: Tensor([1, 1])) }
  }
}
