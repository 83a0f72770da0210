import TTIR
import TTInterpreter
import TinyTorch
import XCTest

final class DataMovementOpTests: XCTestCase {
  func testReshapeTransposeFlatten() throws {
    let x = randn([2, 3, 4], seed: 1)
    try assertOp(.reshape, [x], attributes: ["shape": [0, -1]]) { try $0[0].reshaped([2, 12]) }
    try assertOp(.transpose, [x], attributes: ["perm": [2, 0, 1]]) { try $0[0].permuted([2, 0, 1]) }
    try assertOp(.flatten, [x]) { try $0[0].flattened() }
    try assertOp(.flatten, [x], attributes: ["start_dim": 0, "end_dim": 1]) { try $0[0].reshaped([6, 4]) }
  }

  func testConcatAlongAMiddleAxis() throws {
    let inputs = [randn([2, 1, 3], seed: 2), randn([2, 4, 3], seed: 3), randn([2, 2, 3], seed: 4)]
    try assertOp(.concat, inputs, attributes: ["axis": 1]) { try Tensor.concat($0, axis: 1) }
  }

  func testSliceWithPositiveAndNegativeSteps() throws {
    let x = randn([5, 6], seed: 5)
    try assertOp(.slice, [x], attributes: ["starts": [1, 0], "ends": [4, 6], "steps": [2, 3]]) {
      try $0[0].slice(starts: [1, 0], ends: [4, 6], steps: [2, 3])
    }
    // Python: x[::-1, -2:0:-2] → rows 4…0, columns 4, 2.
    let reversed = try interpret(
      singleNodeGraph(.slice, [x], attributes: ["starts": [-1, -2], "ends": [-6, 0], "steps": [-1, -2]]),
      [x])
    XCTAssertEqual(reversed.shape, [5, 2])
    let expected = (0..<5).reversed().flatMap { row in [4, 2].map { x.scalars[row * 6 + $0] } }
    XCTAssertEqual(reversed.floats(), expected)
  }

  func testGatherWithFloatAndIntegerIndices() throws {
    let table = randn([6, 4], seed: 6)
    let ids = try Tensor(shape: [2, 3], scalars: [5, 0, 2, 2, 1, 3])
    try assertOp(.gather, [table, ids]) { try $0[0].gather(axis: 0, indices: $0[1]) }
    try assertOp(.gather, [table, try Tensor(shape: [2], scalars: [3, 1])], attributes: ["axis": 1]) {
      try $0[0].gather(axis: 1, indices: $0[1])
    }

    var builder = GraphBuilder(name: "embedding")
    builder.weight("table", TensorData(table.scalars, shape: [6, 4]))
    builder.input("ids", .i64, [3])
    builder.output(builder.add(.gather, ["table", "ids"], name: "lookup"))
    let interpreter = try Interpreter(graph: builder.build())
    let ids64 = try InterpreterTensor(shape: [3], storage: .i64([4, 4, 0]))
    let rows = try interpreter.run(["ids": ids64])["lookup"]!
    let expected = try table.gather(axis: 0, indices: Tensor([4, 4, 0]))
    XCTAssertEqual(rows.floats(), expected.scalars)
  }
}
