import XCTest

@testable import TTIR

final class MatrixShapeTests: XCTestCase {
  func testMatmul() throws {
    XCTAssertEqual(try infer(.matmul, [t(.f32, 32, 128), t(.f32, 128, 64)]), t(.f32, 32, 64))
    XCTAssertEqual(try infer(.matmul, [t(.f32, 4, 2, 3), t(.f32, 3, 5)]), t(.f32, 4, 2, 5))
    XCTAssertEqual(
      try infer(.matmul, [t(.f32, 4, 1, 2, 3), t(.f32, 6, 3, 5)]), t(.f32, 4, 6, 2, 5))
    assertThrows("node 'n' (matmul): inner dimensions 128 and 64 differ") {
      _ = try infer(.matmul, [t(.f32, 32, 128), t(.f32, 64, 10)])
    }
    assertThrows("a must have rank ≥ 2, got f32[3]") {
      _ = try infer(.matmul, [t(.f32, 3), t(.f32, 3, 2)])
    }
    assertThrows("batch dimensions [2] and [3] do not broadcast") {
      _ = try infer(.matmul, [t(.f32, 2, 4, 4), t(.f32, 3, 4, 4)])
    }
    assertThrows("a must be f32 or f16, got i32") {
      _ = try infer(.matmul, [t(.i32, 2, 2), t(.i32, 2, 2)])
    }
  }

  func testLinear() throws {
    XCTAssertEqual(
      try infer(.linear, [t(.f32, 8, 64), t(.f32, 64, 128), t(.f32, 128)]), t(.f32, 8, 128))
    XCTAssertEqual(try infer(.linear, [t(.f32, 2, 5, 64), t(.f32, 64, 10)]), t(.f32, 2, 5, 10))
    XCTAssertEqual(try infer(.linear, [t(.f32, 64), t(.f32, 64, 10)]), t(.f32, 10))
    assertThrows("input features 64 do not match weight [in, out] = [128, 10]") {
      _ = try infer(.linear, [t(.f32, 1, 64), t(.f32, 128, 10)])
    }
    assertThrows("bias must have shape [10] ([out]), got f32[64]") {
      _ = try infer(.linear, [t(.f32, 1, 64), t(.f32, 64, 10), t(.f32, 64)])
    }
    assertThrows("expects 2 or 3 inputs (x, weight, bias), got 4") {
      _ = try infer(.linear, [t(.f32, 1, 2), t(.f32, 2, 2), t(.f32, 2), t(.f32, 2)])
    }
  }

  func testConv2d() throws {
    let x = t(.f32, 1, 3, 32, 32)
    XCTAssertEqual(try infer(.conv2d, [x, t(.f32, 16, 3, 3, 3)]), t(.f32, 1, 16, 30, 30))
    XCTAssertEqual(
      try infer(
        .conv2d, [x, t(.f32, 16, 3, 3, 3), t(.f32, 16)], ["stride": [2, 2], "padding": [1, 1]]),
      t(.f32, 1, 16, 16, 16))
    XCTAssertEqual(
      try infer(.conv2d, [x, t(.f32, 8, 3, 3, 3)], ["dilation": [2, 2]]), t(.f32, 1, 8, 28, 28))
    XCTAssertEqual(
      try infer(
        .conv2d, [t(.f32, 2, 8, 10, 10), t(.f32, 8, 1, 3, 3)], ["groups": 8, "padding": [1, 1]]),
      t(.f32, 2, 8, 10, 10), "depthwise")
    XCTAssertEqual(
      try infer(.conv2d, [t(.f32, 1, 1, 5, 7), t(.f32, 2, 1, 5, 1)]), t(.f32, 1, 2, 1, 7))
  }

  func testConv2dErrors() {
    let x = t(.f32, 1, 3, 8, 8)
    assertThrows("weight [4, 2, 3, 3] expects 2 input channels, input has 3") {
      _ = try infer(.conv2d, [x, t(.f32, 4, 2, 3, 3)])
    }
    assertThrows("divisible by groups 2") {
      _ = try infer(.conv2d, [x, t(.f32, 4, 1, 3, 3)], ["groups": 2])
    }
    assertThrows("does not fit padded input [8, 8]") {
      _ = try infer(.conv2d, [x, t(.f32, 4, 3, 9, 9)])
    }
    assertThrows("attribute 'stride' must have 2 values, got [1]") {
      _ = try infer(.conv2d, [x, t(.f32, 4, 3, 3, 3)], ["stride": [1]])
    }
    assertThrows("attribute 'stride' values must be ≥ 1, got [0, 1]") {
      _ = try infer(.conv2d, [x, t(.f32, 4, 3, 3, 3)], ["stride": [0, 1]])
    }
    assertThrows("x must have rank 4, got f32[3, 8, 8]") {
      _ = try infer(.conv2d, [t(.f32, 3, 8, 8), t(.f32, 4, 3, 3, 3)])
    }
    assertThrows("bias must have shape [4]") {
      _ = try infer(.conv2d, [x, t(.f32, 4, 3, 3, 3), t(.f32, 3)])
    }
    // A kernel of size 0 (issue 13) is refused by the verifier, naming the node.
    for kernel in [[0, 3], [3, 0], [0, 0]] {
      assertThrows(
        "node 'n' (conv2d): kernel \(kernel) of weight [4, 3, \(kernel[0]), \(kernel[1])] must be at least 1×1"
      ) {
        _ = try infer(.conv2d, [x, t(.f32, 4, 3, kernel[0], kernel[1])])
      }
    }
    assertThrows(
      "unknown attribute 'strides' (expected one of: stride, padding, dilation, groups, epilogue, epilogue_inputs)"
    ) {
      _ = try infer(.conv2d, [x, t(.f32, 4, 3, 3, 3)], ["strides": [1, 1]])
    }
  }

  func testPooling() throws {
    let x = t(.f32, 2, 4, 8, 8)
    XCTAssertEqual(
      try infer(.maxPool2d, [x], ["kernel": [2, 2]]), t(.f32, 2, 4, 4, 4),
      "stride defaults to kernel")
    XCTAssertEqual(
      try infer(.avgPool2d, [x], ["kernel": [3, 3], "stride": [1, 1], "padding": [1, 1]]), x)
    XCTAssertEqual(
      try infer(.maxPool2d, [t(.f32, 1, 1, 7, 7)], ["kernel": [2, 2]]), t(.f32, 1, 1, 3, 3), "floor"
    )
    assertThrows("node 'n' (max_pool2d): missing required attribute 'kernel' (ints)") {
      _ = try infer(.maxPool2d, [x])
    }
    assertThrows("padding [2, 2] must be at most half of kernel [3, 3]") {
      _ = try infer(.avgPool2d, [x], ["kernel": [3, 3], "padding": [2, 2]])
    }
    assertThrows("kernel [9, 9] does not fit") {
      _ = try infer(.maxPool2d, [x], ["kernel": [9, 9]])
    }
    for op in [Op.maxPool2d, .avgPool2d] {
      assertThrows("node 'n' (\(op.rawValue)): attribute 'kernel' values must be ≥ 1, got [0, 2]") {
        _ = try infer(op, [x], ["kernel": [0, 2]])
      }
    }
  }

  func testAttention() throws {
    let q = t(.f32, 2, 4, 10, 16)
    let kv = t(.f32, 2, 4, 12, 16)
    XCTAssertEqual(try infer(.scaledDotProductAttention, [q, kv, kv]), t(.f32, 2, 4, 10, 16))
    XCTAssertEqual(
      try infer(
        .scaledDotProductAttention, [q, kv, t(.f32, 2, 4, 12, 8)], ["causal": true, "scale": 0.5]),
      t(.f32, 2, 4, 10, 8))
    XCTAssertEqual(
      try infer(.scaledDotProductAttention, [q, kv, kv, t(.f32, 10, 12)]), q, "additive mask")
    XCTAssertEqual(
      try infer(.scaledDotProductAttention, [q, kv, kv, t(.i64, 2, 1, 1, 12)]), q, "boolean mask")
    XCTAssertEqual(
      try infer(.scaledDotProductAttention, [t(.f32, 5, 16), t(.f32, 1, 7, 16), t(.f32, 7, 16)]),
      t(.f32, 1, 5, 16))
    assertThrows("q head size 16 and k head size 8 differ") {
      _ = try infer(.scaledDotProductAttention, [q, t(.f32, 2, 4, 12, 8), kv])
    }
    assertThrows("k has 12 positions but v has 11") {
      _ = try infer(.scaledDotProductAttention, [q, kv, t(.f32, 2, 4, 11, 16)])
    }
    assertThrows("mask shape [10, 10] does not broadcast to scores [2, 4, 10, 12]") {
      _ = try infer(.scaledDotProductAttention, [q, kv, kv, t(.f32, 10, 10)])
    }
    assertThrows("attribute 'causal' must be bool, got 1") {
      _ = try infer(.scaledDotProductAttention, [q, kv, kv], ["causal": 1])
    }
  }

  func testAttentionWithPackedHeads() throws {
    // q [B, Sq, H·D], k/v [B, Sk, H·D]: 4 heads of 16; the scores are [B, H, Sq, Sk].
    let (q, kv) = (t(.f32, 2, 10, 64), t(.f32, 2, 12, 64))
    XCTAssertEqual(try infer(.scaledDotProductAttention, [q, kv, kv], ["heads": 4]), q)
    XCTAssertEqual(
      try infer(.scaledDotProductAttention, [q, kv, t(.f32, 2, 12, 32), t(.f32, 4, 1, 12)], ["heads": 4]),
      t(.f32, 2, 10, 32), "v heads of 8, a mask per head")
    assertThrows("k's last dimension 60 is not a multiple of 8 heads") {
      _ = try infer(.scaledDotProductAttention, [q, t(.f32, 2, 12, 60), kv], ["heads": 8])
    }
    assertThrows("q head size 16 and k head size 8 differ") {
      _ = try infer(.scaledDotProductAttention, [q, t(.f32, 2, 12, 32), kv], ["heads": 4])
    }
    assertThrows("mask shape [3, 1, 12] does not broadcast to scores [2, 4, 10, 12]") {
      _ = try infer(.scaledDotProductAttention, [q, kv, kv, t(.f32, 3, 1, 12)], ["heads": 4])
    }
    assertThrows("heads must be at least 1, not 0") {
      _ = try infer(.scaledDotProductAttention, [q, kv, kv], ["heads": 0])
    }
  }
}
