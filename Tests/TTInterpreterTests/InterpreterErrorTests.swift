import TTIR
import TTInterpreter
import TinyTorch
import XCTest

final class InterpreterErrorTests: XCTestCase {
  private func mlp() throws -> Interpreter {
    var builder = GraphBuilder(name: "mlp")
    builder.input("x", .f32, [1, 4])
    builder.weight("w", TensorData(Array(repeating: 0.5, count: 8), shape: [4, 2]))
    builder.output(builder.add(.linear, ["x", "w"], name: "fc"))
    return try Interpreter(graph: builder.build())
  }

  private func assertError(
    _ expected: String, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void
  ) {
    XCTAssertThrowsError(try body(), file: file, line: line) { error in
      XCTAssertEqual("\(error)", expected, file: file, line: line)
    }
  }

  func testInputsAreCheckedByNameDtypeAndShape() throws {
    let interpreter = try mlp()
    let good = InterpreterTensor([1, 2, 3, 4], shape: [1, 4])
    assertError("input 'x': missing (expected f32[1, 4])") { _ = try interpreter.run([:]) }
    assertError("input 'y': the graph has no such input (its inputs: x)") {
      _ = try interpreter.run(["x": good, "y": good])
    }
    assertError("input 'x': expected f32[1, 4], got f32[2, 2]") {
      _ = try interpreter.run(["x": InterpreterTensor([1, 2, 3, 4], shape: [2, 2])])
    }
    assertError("input 'x': expected f32[1, 4], got i64[1, 4]") {
      _ = try interpreter.run(["x": try InterpreterTensor(shape: [1, 4], storage: .i64([1, 2, 3, 4]))])
    }
    XCTAssertEqual(try interpreter.run(["x": good])["fc"]?.floats(), [5, 5])
  }

  func testGatherIndexOutOfRangeNamesTheNode() throws {
    var builder = GraphBuilder(name: "embedding")
    builder.weight("table", TensorData(Array(repeating: 0, count: 8), shape: [4, 2]))
    builder.input("ids", .i64, [2])
    builder.output(builder.add(.gather, ["table", "ids"], name: "emb"))
    let interpreter = try Interpreter(graph: builder.build())
    assertError("node 'emb' (gather): index 7 is out of range for axis 0 of size 4") {
      _ = try interpreter.run(["ids": try InterpreterTensor(shape: [2], storage: .i64([1, 7]))])
    }
  }

  func testHugeOrNonFiniteFloatIndicesAreOutOfRange() throws {
    var builder = GraphBuilder(name: "embedding")
    builder.weight("table", TensorData(Array(repeating: 0, count: 8), shape: [4, 2]))
    builder.input("ids", .f32, [2])
    builder.output(builder.add(.gather, ["table", "ids"], name: "emb"))
    let interpreter = try Interpreter(graph: builder.build())
    for (bad, problem) in [
      (Float(1e30), "is out of range for axis 0 of size 4"), (-1, "is out of range for axis 0 of size 4"),
      (.nan, "is not a number"), (-.infinity, "is not a number"),
    ] {
      assertError("node 'emb' (gather): index \(bad) \(problem)") {
        _ = try interpreter.run(["ids": InterpreterTensor([0.5, bad], shape: [2])])
      }
    }
    XCTAssertEqual(try interpreter.run(["ids": InterpreterTensor([-0.5, 3.9], shape: [2])])["emb"]?.count, 4)
  }

  func testIntegerDivisionByZeroNamesTheNode() throws {
    var builder = GraphBuilder(name: "ints")
    builder.input("a", .i64, [3])
    builder.input("b", .i64, [3])
    builder.output(builder.add(.div, ["a", "b"], name: "quotient"))
    let interpreter = try Interpreter(graph: builder.build())
    let a = try InterpreterTensor(shape: [3], storage: .i64([1, 2, 3]))
    let b = try InterpreterTensor(shape: [3], storage: .i64([1, 0, 3]))
    assertError("node 'quotient' (div): integer division by zero") {
      _ = try interpreter.run(["a": a, "b": b])
    }
  }

  func testInvalidGraphIsRejectedWithTheVerifierMessage() throws {
    var builder = GraphBuilder(name: "bad")
    builder.input("a", .f32, [2, 3])
    builder.input("b", .f32, [4, 5])
    builder.output(builder.add(.matmul, ["a", "b"], name: "mm"))
    assertError("node 'mm' (matmul): inner dimensions 3 and 4 differ") {
      _ = try Interpreter(graph: builder.unverifiedGraph)
    }
  }

  func testTensorStorageMustFillTheShape() {
    assertError("shape [2, 3] needs 6 elements, got 5") {
      _ = try InterpreterTensor(shape: [2, 3], storage: .f32([1, 2, 3, 4, 5]))
    }
  }

  func testIntermediatesBeyondTheMemoryLimitAreRefusedBeforeRunning() throws {
    // An outer product of two 1 MiB vectors: 2^36 floats (256 GiB) from small inputs.
    var builder = GraphBuilder(name: "outer")
    let x = builder.input("x", .f32, [1 << 18, 1])
    let y = builder.input("y", .f32, [1, 1 << 18])
    builder.output(builder.add(.relu, [builder.add(.matmul, [x, y], name: "outer")], name: "r"))
    let graph = try builder.build()
    let memory = Interpreter.physicalMemory
    try XCTSkipIf(memory >= 1 << 38, "more than 256 GiB of memory")
    assertError(
      "node 'outer' (matmul): needs 274877906944 bytes of intermediates at once (its output: "
        + "274877906944), more than the physical memory of \(memory) bytes"
    ) { _ = try Interpreter(graph: graph) }
    // An explicit limit: the relu's output and its input are live together (2 × 64 bytes).
    var small = GraphBuilder(name: "small")
    let z = small.input("z", .f32, [16])
    small.output(small.add(.relu, [small.add(.neg, [z], name: "n")], name: "r"))
    assertError(
      "node 'r' (relu): needs 128 bytes of intermediates at once (its output: 64), more than "
        + "the memory limit of 100 bytes"
    ) { _ = try Interpreter(graph: try small.build(), memoryLimit: 100) }
    XCTAssertNoThrow(try Interpreter(graph: try small.build(), memoryLimit: 128))
  }
}
