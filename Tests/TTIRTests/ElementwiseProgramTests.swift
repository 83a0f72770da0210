import XCTest

@testable import TTIR

final class ElementwiseProgramTests: XCTestCase {
  func testParsesAndPrintsBackTheSameText() throws {
    let text = "mul x0 0.5; add t0 x1; gelu t1 approximate=tanh; clamp t2 max=6.0 min=-1.0; sub t3 -inf"
    let program = try ElementwiseProgram(parsing: text, inputCount: 2)
    XCTAssertEqual(program.instructions.count, 5)
    XCTAssertEqual(program.instructions[0].operands, [.input(0), .constant(0.5)])
    XCTAssertEqual(program.instructions[2].attributes, ["approximate": "tanh"])
    XCTAssertEqual(program.instructions[3].attributes, ["min": .float(-1), "max": .float(6)])
    XCTAssertEqual(program.description, text)
    XCTAssertEqual(try ElementwiseProgram(parsing: program.description, inputCount: 2), program)
    XCTAssertEqual(program.inputCount, 2)
    // Constants keep their f32 value exactly through text.
    let third = try ElementwiseProgram([.init(.mul, [.input(0), .constant(1 / 3)])], inputCount: 1)
    XCTAssertEqual(try ElementwiseProgram(parsing: third.description, inputCount: 1), third)
  }

  func testRejectsMalformedProgramsWithOneLineNamingTheInstruction() {
    let cases: [(String, String)] = [
      ("", "instruction 0 is empty"),
      ("relu x0;", "instruction 1 is empty"),
      ("matmul x0 x1", "instruction 0: 'matmul' is not an elementwise op"),
      ("frobnicate x0", "'frobnicate' is not an elementwise op"),
      ("relu y0", "instruction 0 (relu): 'y0' is not an operand"),
      ("relu x2", "instruction 0 (relu): x2 is not one of the 2 inputs"),
      ("relu t0", "instruction 0 (relu): t0 is not an earlier instruction"),
      ("relu x0; add t0 t1", "instruction 1 (add): t1 is not an earlier instruction"),
      ("add x0", "instruction 0 (add): expects 2 operands, got 1"),
      ("relu x0 x1", "expects 1 operands, got 2"),
      ("mul x0 nan", "instruction 0 (mul): a constant is NaN"),
      ("relu x0 alpha=2", "instruction 0 (relu): unknown attribute 'alpha'"),
      ("leaky_relu x0 alpha=big", "attribute 'alpha' must be float, got 'big'"),
      ("gelu x0 approximate=fast", "attribute 'approximate' must be one of none, tanh"),
      ("clamp x0 min=2 max=1", "min 2.0 is greater than max 1.0"),
      ("leaky_relu x0 alpha=inf", "attribute 'alpha' must be finite"),
    ]
    for (text, fragment) in cases {
      assertThrows(fragment) { _ = try ElementwiseProgram(parsing: text, inputCount: 2) }
    }
    let long = Array(repeating: "relu x0", count: ElementwiseProgram.maxInstructions + 1)
    assertThrows("more than 256") {
      _ = try ElementwiseProgram(parsing: long.joined(separator: "; "), inputCount: 1)
    }
  }

  func testFusedElementwiseNodeBroadcastsItsInputsAndChecksItsProgram() throws {
    let program: [String: AttributeValue] = ["program": "mul x0 x1; add t0 x2"]
    XCTAssertEqual(
      try infer(.fusedElementwise, [t(.f32, 2, 1, 4), t(.f32, 3, 1), t(.f32)], program), t(.f32, 2, 3, 4))
    assertThrows("node 'n' (fused_elementwise): input shapes [[2], [3]] do not broadcast") {
      _ = try infer(.fusedElementwise, [t(.f32, 2), t(.f32, 3)], ["program": "add x0 x1"])
    }
    assertThrows("input 1 must be f32, got i32") {
      _ = try infer(.fusedElementwise, [t(.f32, 2), t(.i32, 2)], ["program": "add x0 x1"])
    }
    assertThrows("node 'n' (fused_elementwise): program: instruction 0 (add): x2 is not one of the 2 inputs")
    {
      _ = try infer(.fusedElementwise, [t(.f32, 2), t(.f32, 2)], ["program": "add x0 x2"])
    }
    assertThrows("missing required attribute 'program'") {
      _ = try infer(.fusedElementwise, [t(.f32, 2)])
    }
  }

  func testEpiloguesReadTheProductAndTrailingInputs() throws {
    let residual: [String: AttributeValue] = ["epilogue": "relu x0; add t0 x1", "epilogue_inputs": 1]
    XCTAssertEqual(
      try infer(.linear, [t(.f32, 5, 4), t(.f32, 4, 3), t(.f32, 3), t(.f32, 5, 3)], residual), t(.f32, 5, 3))
    // Without a bias, input 2 is the epilogue's.
    XCTAssertEqual(
      try infer(.linear, [t(.f32, 5, 4), t(.f32, 4, 3), t(.f32, 1, 3)], residual), t(.f32, 5, 3))
    XCTAssertEqual(
      try infer(.matmul, [t(.f32, 2, 5, 4), t(.f32, 4, 3)], ["epilogue": "gelu x0"]), t(.f32, 2, 5, 3))
    XCTAssertEqual(
      try infer(
        .conv2d, [t(.f32, 1, 2, 5, 5), t(.f32, 3, 2, 3, 3), t(.f32, 3)], ["epilogue": "relu x0"]),
      t(.f32, 1, 3, 3, 3))
    assertThrows("node 'n' (linear): expects 2 or 3 inputs (x, weight, bias), got 4") {
      _ = try infer(.linear, [t(.f32, 5, 4), t(.f32, 4, 3), t(.f32, 3), t(.f32, 5, 3)])
    }
    assertThrows("epilogue_inputs is 1 but there is no epilogue") {
      _ = try infer(.linear, [t(.f32, 5, 4), t(.f32, 4, 3), t(.f32, 5, 3)], ["epilogue_inputs": 1])
    }
    assertThrows("epilogue_inputs 4 is not in 0...3") {
      _ = try infer(
        .linear, [t(.f32, 5, 4), t(.f32, 4, 3), t(.f32, 3)], ["epilogue": "relu x0", "epilogue_inputs": 4])
    }
    assertThrows("epilogue input 'v3' shape [6, 3] does not broadcast to [5, 3]") {
      _ = try infer(.linear, [t(.f32, 5, 4), t(.f32, 4, 3), t(.f32, 3), t(.f32, 6, 3)], residual)
    }
    assertThrows("node 'n' (matmul): epilogue: instruction 0 (relu): x1 is not one of the 1 inputs") {
      _ = try infer(.matmul, [t(.f32, 5, 4), t(.f32, 4, 3)], ["epilogue": "relu x1"])
    }
    assertThrows("an epilogue needs an f32 product, got f16") {
      _ = try infer(.matmul, [t(.f16, 5, 4), t(.f16, 4, 3)], ["epilogue": "relu x0"])
    }
  }

  func testBroadcastLoopMergesAxesEveryOperandWalksAlike() {
    let same = BroadcastLoop(output: [2, 3, 4], operands: [[2, 3, 4], [2, 3, 4]])
    XCTAssertEqual(same.shape, [24])
    XCTAssertEqual(same.strides, [[1], [1]])
    let bias = BroadcastLoop(output: [2, 3, 4], operands: [[2, 3, 4], [4]])
    XCTAssertEqual(bias.shape, [6, 4])
    XCTAssertEqual(bias.strides, [[4, 1], [0, 1]])
    let column = BroadcastLoop(output: [2, 3, 4], operands: [[2, 3, 4], [2, 3, 1], []])
    XCTAssertEqual(column.shape, [6, 4])
    XCTAssertEqual(column.strides, [[4, 1], [1, 0], [0, 0]])
    let scalar = BroadcastLoop(output: [1, 1], operands: [[1], [1, 1]])
    XCTAssertEqual(scalar.shape, [1])
    XCTAssertEqual(scalar.strides, [[0], [0]])
  }
}
