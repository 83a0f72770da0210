import XCTest

@testable import TTIR

final class DataMovementShapeTests: XCTestCase {
  func testReshape() throws {
    let x = t(.f32, 2, 3, 4)
    XCTAssertEqual(try infer(.reshape, [x], ["shape": [6, 4]]), t(.f32, 6, 4))
    XCTAssertEqual(try infer(.reshape, [x], ["shape": [-1]]), t(.f32, 24))
    XCTAssertEqual(
      try infer(.reshape, [x], ["shape": [0, -1]]), t(.f32, 2, 12), "0 copies the input dim")
    XCTAssertEqual(try infer(.reshape, [x], ["shape": [0, 0, 2, 2]]), t(.f32, 2, 3, 2, 2))
    XCTAssertEqual(try infer(.reshape, [t(.i64, 5)], ["shape": [1, 5, 1]]), t(.i64, 1, 5, 1))
    XCTAssertEqual(try infer(.reshape, [t(.f32, 1)], ["shape": []]), t(.f32), "to a scalar")
    assertThrows(
      "node 'n' (reshape): cannot reshape f32[2, 3, 4] (24 elements) to [5, 5] (25 elements)"
    ) {
      _ = try infer(.reshape, [x], ["shape": [5, 5]])
    }
    assertThrows("more than one -1") { _ = try infer(.reshape, [x], ["shape": [-1, -1]]) }
    assertThrows("cannot infer -1 in shape [5, -1]") {
      _ = try infer(.reshape, [x], ["shape": [5, -1]])
    }
    assertThrows("copies dimension 3 (0) but the input f32[2, 3, 4] has rank 3") {
      _ = try infer(.reshape, [x], ["shape": [1, 1, 1, 0]])
    }
    assertThrows("invalid dimension -2") { _ = try infer(.reshape, [x], ["shape": [-2, 12]]) }
    assertThrows("missing required attribute 'shape'") { _ = try infer(.reshape, [x]) }
  }

  func testTranspose() throws {
    XCTAssertEqual(
      try infer(.transpose, [t(.f32, 2, 3, 4)], ["perm": [2, 0, 1]]), t(.f32, 4, 2, 3))
    XCTAssertEqual(try infer(.transpose, [t(.f16, 2, 3)], ["perm": [1, 0]]), t(.f16, 3, 2))
    assertThrows("perm [0, 0] is not a permutation of 0..<2") {
      _ = try infer(.transpose, [t(.f32, 2, 3)], ["perm": [0, 0]])
    }
    assertThrows("perm [1, 0] is not a permutation of 0..<3") {
      _ = try infer(.transpose, [t(.f32, 2, 3, 4)], ["perm": [1, 0]])
    }
  }

  func testFlatten() throws {
    XCTAssertEqual(
      try infer(.flatten, [t(.f32, 8, 16, 4, 4)]), t(.f32, 8, 256), "start_dim defaults to 1")
    XCTAssertEqual(try infer(.flatten, [t(.f32, 8, 16, 4, 4)], ["start_dim": 0]), t(.f32, 2048))
    XCTAssertEqual(
      try infer(.flatten, [t(.f32, 8, 16, 4, 4)], ["start_dim": 1, "end_dim": 2]), t(.f32, 8, 64, 4)
    )
    XCTAssertEqual(try infer(.flatten, [t(.f32, 5)], ["start_dim": 0]), t(.f32, 5))
    XCTAssertEqual(try infer(.flatten, [t(.f32)], ["start_dim": 0]), t(.f32, 1))
    assertThrows("start_dim 3 is out of range for rank 2") {
      _ = try infer(.flatten, [t(.f32, 2, 3)], ["start_dim": 3])
    }
    assertThrows("start_dim 2 is after end_dim 1") {
      _ = try infer(.flatten, [t(.f32, 2, 3, 4)], ["start_dim": 2, "end_dim": 1])
    }
  }

  func testConcat() throws {
    XCTAssertEqual(try infer(.concat, [t(.f32, 2, 3), t(.f32, 2, 5)], ["axis": 1]), t(.f32, 2, 8))
    XCTAssertEqual(
      try infer(.concat, [t(.f32, 2, 3), t(.f32, 4, 3), t(.f32, 1, 3)], ["axis": -2]), t(.f32, 7, 3)
    )
    XCTAssertEqual(try infer(.concat, [t(.i64, 3)], ["axis": 0]), t(.i64, 3), "one input")
    assertThrows("input 1 f32[3, 5] does not match input 0 f32[2, 3] outside axis 1") {
      _ = try infer(.concat, [t(.f32, 2, 3), t(.f32, 3, 5)], ["axis": 1])
    }
    assertThrows("input 1 f32[2] does not match") {
      _ = try infer(.concat, [t(.f32, 2, 3), t(.f32, 2)], ["axis": 0])
    }
    assertThrows("inputs dtype i32 differs from inputs dtype f32") {
      _ = try infer(.concat, [t(.f32, 2), t(.i32, 2)], ["axis": 0])
    }
    assertThrows("expects at least 1 inputs (inputs), got 0") {
      _ = try infer(.concat, [], ["axis": 0])
    }
  }

  func testSliceFollowsPython() throws {
    let x = t(.f32, 10, 6)
    XCTAssertEqual(try infer(.slice, [x], ["starts": [2, 0], "ends": [5, 6]]), t(.f32, 3, 6))
    XCTAssertEqual(
      try infer(.slice, [x], ["starts": [0, 0], "ends": [10, 6], "steps": [3, 2]]), t(.f32, 4, 3))
    XCTAssertEqual(
      try infer(.slice, [x], ["starts": [-3, 1], "ends": [100, -1]]), t(.f32, 3, 4),
      "clamped, negative")
    XCTAssertEqual(
      try infer(.slice, [x], ["starts": [9, 0], "ends": [.min, 6], "steps": [-1, 1]]),
      t(.f32, 10, 6), "reverse")
    XCTAssertEqual(
      try infer(.slice, [x], ["starts": [5, 0], "ends": [2, 6]]), t(.f32, 0, 6), "empty")
    // Python: len(range(10)[-100:100:-4]) == 0, len(range(10)[::-4]) == 3
    XCTAssertEqual(ShapeInference.sliceRange(start: -100, end: 100, step: -4, length: 10).count, 0)
    XCTAssertEqual(ShapeInference.sliceRange(start: .max, end: .min, step: -4, length: 10).count, 3)
    XCTAssertEqual(ShapeInference.sliceRange(start: .max, end: .min, step: -4, length: 10).start, 9)
    XCTAssertEqual(ShapeInference.sliceRange(start: -2, end: .max, step: 1, length: 10).start, 8)
    assertThrows("attribute 'ends' must have one entry per axis (2), got [5]") {
      _ = try infer(.slice, [x], ["starts": [0, 0], "ends": [5]])
    }
    assertThrows("steps [0, 1] must not contain 0") {
      _ = try infer(.slice, [x], ["starts": [0, 0], "ends": [5, 5], "steps": [0, 1]])
    }
  }

  func testGather() throws {
    XCTAssertEqual(
      try infer(.gather, [t(.f32, 100, 16), t(.i64, 4, 7)]), t(.f32, 4, 7, 16), "embedding lookup")
    XCTAssertEqual(
      try infer(.gather, [t(.f32, 2, 5, 3), t(.i32, 4)], ["axis": 1]), t(.f32, 2, 4, 3))
    XCTAssertEqual(
      try infer(.gather, [t(.f32, 2, 5), t(.f32)], ["axis": -1]), t(.f32, 2), "scalar index")
    XCTAssertEqual(
      try infer(.gather, [t(.i64, 9), t(.f32, 3)]), t(.i64, 3), "f32 holding integers")
    assertThrows("indices must be i32, i64 or f32 holding integers, got f16") {
      _ = try infer(.gather, [t(.f32, 9), t(.f16, 3)])
    }
    assertThrows("axis 2 is out of range for rank 2") {
      _ = try infer(.gather, [t(.f32, 2, 5), t(.i64, 1)], ["axis": 2])
    }
  }
}

/// Absurd values from untrusted files must produce errors, never arithmetic traps.
final class HostileShapeTests: XCTestCase {
  func testExtremeSliceSteps() {
    XCTAssertEqual(ShapeInference.sliceRange(start: 0, end: .max, step: .max, length: 10).count, 1)
    XCTAssertEqual(
      ShapeInference.sliceRange(start: .max, end: .min, step: .min, length: 10).count, 1)
    XCTAssertEqual(ShapeInference.sliceRange(start: .min, end: .max, step: 1, length: 10).count, 10)
  }

  func testExtremeWindowAttributes() {
    let x = t(.f32, 1, 1, 4, 4)
    assertThrows("does not fit") {
      _ = try infer(.conv2d, [x, t(.f32, 1, 1, 3, 3)], ["padding": [.max, 0]])
    }
    assertThrows("does not fit") {
      _ = try infer(.conv2d, [x, t(.f32, 1, 1, 3, 3)], ["dilation": [.max, 1]])
    }
    XCTAssertEqual(ShapeInference.windowOutputSize(input: 4, kernel: 3, stride: 0, padding: 0), 0)
  }

  func testZeroSizedShapesCannotHideOverflow() {
    let huge = 1 << 40
    XCTAssertNil(t(.f32, 0, huge, huge).checkedByteCount)
    XCTAssertEqual(t(.f32, 0, 3).checkedByteCount, 0)
    assertThrows("input 'v0' has invalid shape [0, 1099511627776, 1099511627776]") {
      _ = try infer(.flatten, [t(.f32, 0, huge, huge)])
    }
  }

  func testHugeReshapeTarget() {
    assertThrows("shape [4611686018427387904, 4] is too large") {
      _ = try infer(.reshape, [t(.f32, 4)], ["shape": [1 << 62, 4]])
    }
  }
}
