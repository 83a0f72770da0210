import XCTest

@testable import TTIR

final class ElementwiseShapeTests: XCTestCase {
  func testUnaryOpsKeepType() throws {
    for op in Op.allCases where op.category == .unaryElementwise {
      XCTAssertEqual(try infer(op, [t(.f32, 2, 3)]), t(.f32, 2, 3), "\(op)")
      XCTAssertEqual(try infer(op, [t(.f16, 4)]), t(.f16, 4), "\(op)")
    }
  }

  func testIntegerUnaryOps() throws {
    XCTAssertEqual(try infer(.neg, [t(.i32, 3)]), t(.i32, 3))
    XCTAssertEqual(try infer(.relu, [t(.i64, 3)]), t(.i64, 3))
    assertThrows("node 'n' (exp)", "x must be f32 or f16, got i32") {
      _ = try infer(.exp, [t(.i32, 3)])
    }
    assertThrows("got i8 (dequantize it first)") { _ = try infer(.abs, [t(.i8, 3)]) }
  }

  func testUnaryAttributes() throws {
    XCTAssertEqual(try infer(.gelu, [t(.f32, 2)], ["approximate": "tanh"]), t(.f32, 2))
    XCTAssertEqual(try infer(.leakyRelu, [t(.f32, 2)], ["alpha": 0.2]), t(.f32, 2))
    XCTAssertEqual(
      try infer(.leakyRelu, [t(.f32, 2)], ["alpha": 1]), t(.f32, 2), "ints widen to floats")
    XCTAssertEqual(try infer(.clamp, [t(.f32, 2)], ["min": -1.0]), t(.f32, 2))
    XCTAssertEqual(try infer(.clamp, [t(.f32, 2)], ["min": -1.0, "max": 1.0]), t(.f32, 2))
    assertThrows("attribute 'approximate' must be one of none, tanh, got \"erf\"") {
      _ = try infer(.gelu, [t(.f32, 2)], ["approximate": "erf"])
    }
    assertThrows("min 2.0 is greater than max 1.0") {
      _ = try infer(.clamp, [t(.f32, 2)], ["min": 2.0, "max": 1.0])
    }
    assertThrows("attribute 'alpha' must be float, got \"x\"") {
      _ = try infer(.leakyRelu, [t(.f32, 2)], ["alpha": "x"])
    }
    assertThrows("attribute 'alpha' must be finite") {
      _ = try infer(.leakyRelu, [t(.f32, 2)], ["alpha": .float(.nan)])
    }
  }

  func testBinaryBroadcasting() throws {
    XCTAssertEqual(try infer(.add, [t(.f32, 2, 3), t(.f32, 2, 3)]), t(.f32, 2, 3))
    XCTAssertEqual(try infer(.mul, [t(.f32, 2, 3), t(.f32, 3)]), t(.f32, 2, 3))
    XCTAssertEqual(try infer(.sub, [t(.f32, 4, 1, 5), t(.f32, 3, 1)]), t(.f32, 4, 3, 5))
    XCTAssertEqual(try infer(.div, [t(.f32), t(.f32, 7)]), t(.f32, 7), "scalar broadcasts")
    XCTAssertEqual(
      try infer(.pow, [t(.f32, 0, 3), t(.f32, 1, 3)]), t(.f32, 0, 3), "size 0 is kept")
    XCTAssertEqual(try infer(.maximum, [t(.i64, 2), t(.i64, 2)]), t(.i64, 2))
    XCTAssertEqual(try infer(.minimum, [t(.f16, 1), t(.f16, 5)]), t(.f16, 5))
    XCTAssertEqual(ShapeInference.broadcast([], []), [])
    XCTAssertNil(ShapeInference.broadcast([2, 3], [4, 3]))
  }

  func testComparisonsProduceF32() throws {
    for op in [Op.equal, .less, .greater] {
      XCTAssertTrue(op.isComparison)
      XCTAssertEqual(try infer(op, [t(.i64, 2, 1), t(.i64, 3)]), t(.f32, 2, 3))
    }
  }

  func testBinaryErrors() {
    assertThrows("node 'n' (add): shapes [2, 3] and [4, 3] do not broadcast") {
      _ = try infer(.add, [t(.f32, 2, 3), t(.f32, 4, 3)])
    }
    assertThrows("b dtype f16 differs from a dtype f32") {
      _ = try infer(.mul, [t(.f32, 2), t(.f16, 2)])
    }
    assertThrows("expects 2 inputs (a, b), got 1") { _ = try infer(.add, [t(.f32, 2)]) }
  }

  func testWhereBroadcastsThreeInputs() throws {
    XCTAssertEqual(try infer(.where, [t(.f32, 2, 1, 3), t(.f32, 4, 1), t(.f32, 3)]), t(.f32, 2, 4, 3))
    XCTAssertEqual(try infer(.where, [t(.i64, 3), t(.i32, 3), t(.i32, 1)]), t(.i32, 3))
    assertThrows("b dtype i64 differs from a dtype f32") {
      _ = try infer(.where, [t(.f32, 2), t(.f32, 2), t(.i64, 2)])
    }
    assertThrows("shapes [2], [3] and [2] do not broadcast") {
      _ = try infer(.where, [t(.f32, 2), t(.f32, 3), t(.f32, 2)])
    }
  }

  func testCategoriesCoverEveryOp() {
    XCTAssertEqual(Op.allCases.count, 53)
    XCTAssertEqual(Op.allCases.filter(\.isElementwise).count, 23)
    XCTAssertEqual(Op.leakyRelu.rawValue, "leaky_relu")
    XCTAssertEqual(Op.scaledDotProductAttention.rawValue, "scaled_dot_product_attention")
    for op in Op.allCases {
      XCTAssertEqual(Op(rawValue: op.rawValue), op)
      XCTAssertFalse(op.schema.inputNames.isEmpty, "\(op)")
    }
  }
}
