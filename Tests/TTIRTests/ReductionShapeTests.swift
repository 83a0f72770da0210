import XCTest

@testable import TTIR

final class ReductionShapeTests: XCTestCase {
  func testReductions() throws {
    let x = t(.f32, 2, 3, 4)
    for op in [Op.reduceSum, .reduceMean, .reduceMax, .reduceMin] {
      XCTAssertEqual(try infer(op, [x], ["axes": [1]]), t(.f32, 2, 4), "\(op)")
      XCTAssertEqual(
        try infer(op, [x], ["axes": [-1, 0], "keepdims": true]), t(.f32, 1, 3, 1), "\(op)")
      XCTAssertEqual(try infer(op, [x]), t(.f32), "\(op): all axes by default")
      XCTAssertEqual(try infer(op, [x], ["axes": [], "keepdims": true]), t(.f32, 1, 1, 1), "\(op)")
    }
    XCTAssertEqual(try infer(.reduceSum, [t(.i64, 4, 2)], ["axes": [0]]), t(.i64, 2))
    assertThrows("node 'n' (reduce_sum): axes [1, -2] repeat axis 1") {
      _ = try infer(.reduceSum, [x], ["axes": [1, -2]])
    }
    assertThrows("axes entry 3 is out of range for rank 3") {
      _ = try infer(.reduceMax, [x], ["axes": [3]])
    }
    assertThrows("x must be f32 or f16, got i32") { _ = try infer(.reduceMean, [t(.i32, 3)]) }
    assertThrows("attribute 'keepdims' must be bool, got 1") {
      _ = try infer(.reduceMin, [x], ["keepdims": 1])
    }
  }

  func testArgmax() throws {
    XCTAssertEqual(try infer(.argmax, [t(.f32, 8, 10)], ["axis": -1]), t(.i64, 8))
    XCTAssertEqual(
      try infer(.argmax, [t(.f32, 8, 10)], ["axis": 1, "keepdims": true]), t(.i64, 8, 1))
    assertThrows("missing required attribute 'axis' (int)") {
      _ = try infer(.argmax, [t(.f32, 8, 10)])
    }
    assertThrows("x must have rank ≥ 1") { _ = try infer(.argmax, [t(.f32)], ["axis": 0]) }
  }

  func testNormalizations() throws {
    let x = t(.f32, 4, 3, 8, 8)
    let c = t(.f32, 3)
    XCTAssertEqual(try infer(.batchNorm, [x, c, c, c, c], ["eps": 1e-3]), x)
    XCTAssertEqual(try infer(.batchNorm, [t(.f32, 4, 3), c, c, c, c]), t(.f32, 4, 3))
    assertThrows("running_var must have shape [3] (one per channel), got f32[4]") {
      _ = try infer(.batchNorm, [x, c, c, c, t(.f32, 4)])
    }
    XCTAssertEqual(try infer(.softmax, [t(.f32, 2, 10)]), t(.f32, 2, 10))
    XCTAssertEqual(try infer(.logSoftmax, [t(.f32, 2, 10)], ["axis": 0]), t(.f32, 2, 10))
    assertThrows("node 'n' (softmax): axis 2 is out of range for rank 2") {
      _ = try infer(.softmax, [t(.f32, 2, 10)], ["axis": 2])
    }
    XCTAssertEqual(try infer(.layerNorm, [t(.f32, 2, 5, 16)]), t(.f32, 2, 5, 16))
    XCTAssertEqual(
      try infer(.layerNorm, [t(.f32, 2, 5, 16), t(.f32, 16), t(.f32, 16)], ["eps": 1e-6]),
      t(.f32, 2, 5, 16))
    assertThrows("gamma must have shape [16] (last axis), got f32[5]") {
      _ = try infer(.layerNorm, [t(.f32, 2, 5, 16), t(.f32, 5)])
    }
    assertThrows("eps must be ≥ 0") { _ = try infer(.layerNorm, [t(.f32, 4)], ["eps": -1.0]) }
  }

  func testConversions() throws {
    XCTAssertEqual(try infer(.cast, [t(.f32, 2, 3)], ["to": "i64"]), t(.i64, 2, 3))
    XCTAssertEqual(try infer(.cast, [t(.i8, 2)], ["to": "f16"]), t(.f16, 2))
    assertThrows("attribute 'to' must be one of f32, f16, i8, i32, i64, got \"f64\"") {
      _ = try infer(.cast, [t(.f32, 2)], ["to": "f64"])
    }
    XCTAssertEqual(
      try infer(.quantizeLinear, [t(.f32, 4, 4)], ["scale": 0.05, "zero_point": -3]), t(.i8, 4, 4))
    XCTAssertEqual(
      try infer(.dequantizeLinear, [t(.i8, 4, 4)], ["scale": 0.05, "zero_point": 0]), t(.f32, 4, 4))
    assertThrows("scale must be > 0, got 0.0") {
      _ = try infer(.quantizeLinear, [t(.f32, 4)], ["scale": 0.0, "zero_point": 0])
    }
    assertThrows("zero_point must be within -128...127 for i8, got 300") {
      _ = try infer(.quantizeLinear, [t(.f32, 4)], ["scale": 1.0, "zero_point": 300])
    }
    assertThrows("x must be i8, got f32") {
      _ = try infer(.dequantizeLinear, [t(.f32, 4)], ["scale": 1.0, "zero_point": 0])
    }
    assertThrows("missing required attribute 'zero_point'") {
      _ = try infer(.quantizeLinear, [t(.f32, 4)], ["scale": 1.0])
    }
  }

  func testEveryOpHasAPassingExample() throws {
    // Guards against an op being added without a shape rule exercised by the tests above.
    let examples: [Op: ([TensorType], [String: AttributeValue])] = [
      .neg: ([t(.f32, 2)], [:]), .exp: ([t(.f32, 2)], [:]), .log: ([t(.f32, 2)], [:]),
      .sqrt: ([t(.f32, 2)], [:]),
      .abs: ([t(.f32, 2)], [:]), .relu: ([t(.f32, 2)], [:]), .sigmoid: ([t(.f32, 2)], [:]),
      .tanh: ([t(.f32, 2)], [:]), .erf: ([t(.f32, 2)], [:]),
      .where: ([t(.f32, 2, 1), t(.f32, 2), t(.f32, 1)], [:]),
      .gelu: ([t(.f32, 2)], [:]), .leakyRelu: ([t(.f32, 2)], [:]),
      .clamp: ([t(.f32, 2)], ["max": 6.0]),
      .add: ([t(.f32, 2), t(.f32, 2)], [:]), .sub: ([t(.f32, 2), t(.f32, 2)], [:]),
      .mul: ([t(.f32, 2), t(.f32, 2)], [:]), .div: ([t(.f32, 2), t(.f32, 2)], [:]),
      .pow: ([t(.f32, 2), t(.f32, 2)], [:]), .maximum: ([t(.f32, 2), t(.f32, 2)], [:]),
      .minimum: ([t(.f32, 2), t(.f32, 2)], [:]), .equal: ([t(.f32, 2), t(.f32, 2)], [:]),
      .less: ([t(.f32, 2), t(.f32, 2)], [:]), .greater: ([t(.f32, 2), t(.f32, 2)], [:]),
      .mod: ([t(.i64, 2), t(.i64, 1)], ["fmod": true]),
      .resize: ([t(.f32, 1, 2)], ["sizes": [1, 4], "scales": .floats([1.0, 2.0])]),
      .matmul: ([t(.f32, 2, 2), t(.f32, 2, 2)], [:]),
      .linear: ([t(.f32, 2, 2), t(.f32, 2, 2)], [:]),
      .sparseLinear: ([t(.f32, 2, 2), t(.f32, 1), t(.i32, 1), t(.i32, 3)], [:]),
      .conv2d: ([t(.f32, 1, 1, 3, 3), t(.f32, 1, 1, 3, 3)], [:]),
      .maxPool2d: ([t(.f32, 1, 1, 2, 2)], ["kernel": [2, 2]]),
      .avgPool2d: ([t(.f32, 1, 1, 2, 2)], ["kernel": [2, 2]]),
      .batchNorm: ([t(.f32, 1, 2), t(.f32, 2), t(.f32, 2), t(.f32, 2), t(.f32, 2)], [:]),
      .softmax: ([t(.f32, 2)], [:]), .logSoftmax: ([t(.f32, 2)], [:]),
      .layerNorm: ([t(.f32, 2)], [:]),
      .reshape: ([t(.f32, 2)], ["shape": [2, 1]]), .transpose: ([t(.f32, 2)], ["perm": [0]]),
      .flatten: ([t(.f32, 2, 2)], [:]), .concat: ([t(.f32, 2)], ["axis": 0]),
      .slice: ([t(.f32, 2)], ["starts": [0], "ends": [1]]),
      .gather: ([t(.f32, 2), t(.i64, 1)], [:]),
      .reduceSum: ([t(.f32, 2)], [:]), .reduceMean: ([t(.f32, 2)], [:]),
      .reduceMax: ([t(.f32, 2)], [:]),
      .reduceMin: ([t(.f32, 2)], [:]), .argmax: ([t(.f32, 2)], ["axis": 0]),
      .scaledDotProductAttention: ([t(.f32, 2, 2), t(.f32, 2, 2), t(.f32, 2, 2)], [:]),
      .cast: ([t(.f32, 2)], ["to": "i32"]),
      .quantizeLinear: ([t(.f32, 2)], ["scale": 1.0, "zero_point": 0]),
      .dequantizeLinear: ([t(.i8, 2)], ["scale": 1.0, "zero_point": 0]),
      .fusedElementwise: ([t(.f32, 2), t(.f32, 1)], ["program": "add x0 x1; relu t0"]),
      .quantizedLinear: ([t(.f32, 2, 2), t(.i8, 3, 2), t(.f32, 3)], [:]),
      .quantizedConv2d: ([t(.f32, 1, 2, 5, 5), t(.i8, 3, 2, 3, 3), t(.f32, 3)], [:]),
    ]
    XCTAssertEqual(Set(examples.keys), Set(Op.allCases))
    for (op, example) in examples {
      XCTAssertNoThrow(try infer(op, example.0, example.1), "\(op)")
    }
  }
}
