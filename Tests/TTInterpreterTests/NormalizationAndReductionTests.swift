import TTIR
import TTInterpreter
import TinyTorch
import XCTest

final class NormalizationAndReductionTests: XCTestCase {
  func testSoftmaxAndLogSoftmaxOnAnyAxis() throws {
    let x = randn([2, 3, 4], seed: 1) * 5
    try assertOp(.softmax, [x]) { try $0[0].softmax(axis: -1) }
    try assertOp(.softmax, [x], attributes: ["axis": 1]) { try $0[0].softmax(axis: 1) }
    try assertOp(.logSoftmax, [x], attributes: ["axis": 0]) { try $0[0].logSoftmax(axis: 0) }
  }

  func testLayerNormWithOptionalAffine() throws {
    let x = randn([2, 3, 8], seed: 2)
    let gamma = randn([8], seed: 3)
    let beta = randn([8], seed: 4)
    try assertOp(.layerNorm, [x, gamma, beta]) { try $0[0].layerNorm(gamma: $0[1], beta: $0[2]) }
    try assertOp(.layerNorm, [x], attributes: ["eps": 1e-3]) { try $0[0].layerNorm(eps: 1e-3) }
  }

  func testReductionsOverSeveralAxes() throws {
    let x = randn([2, 3, 4, 5], seed: 5)
    try assertOp(.reduceSum, [x], attributes: ["axes": [1, 3]]) { try $0[0].sum(axes: [1, 3]) }
    try assertOp(.reduceMean, [x], attributes: ["axes": [-1, 0], "keepdims": true]) {
      try $0[0].mean(axes: [0, 3], keepDims: true)
    }
    try assertOp(.reduceMax, [x], attributes: ["axes": [2]]) { try $0[0].max(axes: [2]) }
    try assertOp(.reduceMin, [x]) { try $0[0].min(axes: nil) }
  }

  func testArgmaxProducesInt64Indices() throws {
    let x = randn([3, 7], seed: 6)
    let graph = try singleNodeGraph(.argmax, [x], attributes: ["axis": 1])
    let result = try interpret(graph, [x])
    XCTAssertEqual(result.dtype, .i64)
    XCTAssertEqual(result.int64s(), try x.argmax(axis: 1).scalars.map { Int64($0) })
  }
}
