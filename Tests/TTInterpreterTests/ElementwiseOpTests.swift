import TTIR
import TTInterpreter
import TinyTorch
import XCTest

final class ElementwiseOpTests: XCTestCase {
  func testUnaryOpsMatchEager() throws {
    let x = randn([3, 5], seed: 1)
    let positive = x.abs() + 0.1
    try assertOp(.neg, [x]) { -$0[0] }
    try assertOp(.exp, [x]) { $0[0].exp() }
    try assertOp(.log, [positive]) { $0[0].log() }
    try assertOp(.sqrt, [positive]) { $0[0].sqrt() }
    try assertOp(.abs, [x]) { $0[0].abs() }
    try assertOp(.relu, [x]) { $0[0].relu() }
    try assertOp(.sigmoid, [x * 10]) { $0[0].sigmoid() }
    try assertOp(.tanh, [x]) { $0[0].tanh() }
    try assertOp(.erf, [x]) { $0[0].erf() }
    try assertOp(.gelu, [x]) { $0[0].gelu() }
    try assertOp(.gelu, [x], attributes: ["approximate": "tanh"]) { $0[0].gelu(approximation: .tanh) }
    try assertOp(.leakyRelu, [x]) { $0[0].leakyRelu() }
    try assertOp(.leakyRelu, [x], attributes: ["alpha": 0.2]) { $0[0].leakyRelu(slope: 0.2) }
    try assertOp(.clamp, [x], attributes: ["min": -0.5, "max": 0.5]) { $0[0].clamp(min: -0.5, max: 0.5) }
    try assertOp(.clamp, [x], attributes: ["min": 0]) { $0[0].clamp(min: 0) }
  }

  func testBinaryOpsBroadcastLikeEager() throws {
    let a = randn([2, 3, 4], seed: 2)
    let b = randn([3, 1], seed: 3)
    try assertOp(.add, [a, b]) { try $0[0] + $0[1] }
    try assertOp(.sub, [a, b]) { try $0[0] - $0[1] }
    try assertOp(.mul, [a, b]) { try $0[0] * $0[1] }
    try assertOp(.div, [a, b]) { try $0[0] / $0[1] }
    try assertOp(.pow, [a.abs() + 0.5, b]) { try $0[0] ** $0[1] }
    try assertOp(.maximum, [a, b]) { try $0[0].maximum($0[1]) }
    try assertOp(.minimum, [a, b]) { try $0[0].minimum($0[1]) }
    let rounded = try Tensor(shape: [2, 3], scalars: [0, 1, 2, 2, 1, 0])
    let other = try Tensor(shape: [3], scalars: [0, 1, 0])
    try assertOp(.equal, [rounded, other]) { try $0[0].eq($0[1]) }
    try assertOp(.less, [rounded, other]) { try $0[0].lt($0[1]) }
    try assertOp(.greater, [rounded, other]) { try $0[0].gt($0[1]) }
  }

  func testWhereBroadcastsAllThreeInputs() throws {
    let condition = try Tensor(shape: [2, 1, 3], scalars: [1, 0, 2, 0, -1, .nan])
    let a = randn([4, 1], seed: 5)
    let b = randn([3], seed: 6)
    let result = try interpret(singleNodeGraph(.where, [condition, a, b]), [condition, a, b])
    XCTAssertEqual(result.shape, [2, 4, 3])
    var expected: [Float] = []
    for i in 0..<2 {
      for j in 0..<4 {
        for k in 0..<3 { expected.append(condition.scalars[i * 3 + k] != 0 ? a.scalars[j] : b.scalars[k]) }
      }
    }
    XCTAssertEqual(result.floats(), expected)
  }

  func testScalarGraphInputBroadcasts() throws {
    try assertOp(.mul, [randn([4], seed: 4), Tensor(3)]) { try $0[0] * $0[1] }
  }
}
