import XCTest

@testable import TTIR

/// Shape arithmetic on untrusted files is overflow-checked, and every tensor is bounded by
/// `TensorType.byteLimit` (issue 13, item 4): errors name the node instead of trapping.
final class SizeLimitTests: XCTestCase {
  let limit = TensorType.byteLimit

  func testTheLimitIsInclusiveAndCountsZeroDimensionsAsOne() {
    XCTAssertEqual(t(.i8, limit).checkedByteCount, limit)
    XCTAssertNil(t(.i8, limit + 1).checkedByteCount)
    XCTAssertNil(t(.f32, limit / 2).checkedByteCount)
    XCTAssertNil(t(.i8, 0, limit, 2).checkedByteCount)
    XCTAssertNil(t(.i8, 1 << 62).checkedByteCount)
  }

  func testOutputsOverTheLimitAreRefusedNamingTheNode() {
    let tooLarge = "is larger than the limit of \(limit) bytes per tensor"
    // concat of two tensors at the limit; of two 2^62 tensors (refused as inputs already).
    assertThrows("node 'n' (concat): output i8[\(2 * limit)] \(tooLarge)") {
      _ = try infer(.concat, [t(.i8, limit), t(.i8, limit)], ["axis": 0])
    }
    assertThrows("node 'n' (concat): input 'v0' has invalid shape [\(1 << 62)]") {
      _ = try infer(.concat, [t(.i8, 1 << 62), t(.i8, 1 << 62)], ["axis": 0])
    }
    assertThrows("node 'n' (matmul): output f32[1048576, 1048576] \(tooLarge)") {
      _ = try infer(.matmul, [t(.f32, 1 << 20, 1), t(.f32, 1, 1 << 20)])
    }
    assertThrows("node 'n' (add): output f32[1048576, 1048576] \(tooLarge)") {
      _ = try infer(.add, [t(.f32, 1 << 20, 1), t(.f32, 1 << 20)])
    }
    assertThrows("node 'n' (gather): output f32[32768, 32768, 1024] \(tooLarge)") {
      _ = try infer(.gather, [t(.f32, 1 << 20, 1 << 10), t(.i64, 1 << 15, 1 << 15)])
    }
    assertThrows("node 'n' (conv2d): the unfolded input f32[1, 1024, 1024, 1024, 1024] \(tooLarge)") {
      _ = try infer(.conv2d, [t(.f32, 1, 1, 2047, 2047), t(.f32, 1, 1, 1024, 1024)])
    }
    assertThrows("node 'n' (scaled_dot_product_attention): the attention scores f32[1048576, 1048576]") {
      _ = try infer(
        .scaledDotProductAttention, [t(.f32, 1 << 20, 1), t(.f32, 1 << 20, 1), t(.f32, 1 << 20, 1)])
    }
  }

  func testExtremeSliceStepsAndStartsDoNotTrap() throws {
    let x = t(.f32, 10)
    for (start, end, step) in [(Int.min, Int.max, Int.max), (Int.max, Int.min, Int.min), (0, 10, Int.min)] {
      let type = try infer(
        .slice, [x], ["starts": .ints([start]), "ends": .ints([end]), "steps": .ints([step])])
      XCTAssertLessThanOrEqual(type.shape[0], 1)
    }
  }

  func testAGraphWhoseValuesTogetherExceedTheGraphLimitIsRefused() {
    var builder = GraphBuilder(name: "wide")
    var value = builder.input("x", .f32, [limit / 4])
    for _ in 0..<1100 { value = builder.add(.relu, [value]) }
    builder.output(value)
    assertThrows("the graph's values exceed \(ShapeInference.graphByteLimit) bytes in all") {
      _ = try builder.unverifiedGraph.valueTypes()
    }
  }
}
