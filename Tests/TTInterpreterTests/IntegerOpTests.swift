import TTIR
import TTInterpreter
import XCTest

/// Integer (`i32`/`i64`) ops in the interpreter, against values worked out by hand from
/// docs/IR.md: wrapping arithmetic, truncating division, saturating `pow`, exact comparisons.
final class IntegerOpTests: XCTestCase {
  /// Runs `op` on two `i32` vectors.
  private func binary(_ op: Op, _ a: [Int32], _ b: [Int32]) throws -> InterpreterTensor {
    var builder = GraphBuilder(name: "ints")
    builder.input("a", .i32, [a.count])
    builder.input("b", .i32, [b.count])
    builder.output(builder.add(op, ["a", "b"], name: "y"))
    let inputs = [
      "a": try InterpreterTensor(shape: [a.count], storage: .i32(a)),
      "b": try InterpreterTensor(shape: [b.count], storage: .i32(b)),
    ]
    return try Interpreter(graph: builder.build()).run(inputs)["y"]!
  }

  func testArithmeticWrapsAndDivisionTruncates() throws {
    let (a, b): ([Int32], [Int32]) = ([.max, .min, -7, 7, .min], [1, 1, 2, -2, -1])
    XCTAssertEqual(try binary(.add, a, b).storage, .i32([.min, .min + 1, -5, 5, .max]))
    XCTAssertEqual(try binary(.sub, a, b).storage, .i32([.max - 1, .max, -9, 9, .min + 1]))
    XCTAssertEqual(try binary(.mul, a, b).storage, .i32([.max, .min, -14, -14, .min]))
    XCTAssertEqual(try binary(.div, a, b).storage, .i32([.max, .min, -3, -3, .min]))
    XCTAssertEqual(try binary(.maximum, a, b).storage, .i32([.max, 1, 2, 7, -1]))
    XCTAssertEqual(try binary(.minimum, a, b).storage, .i32([1, .min, -7, -2, .min]))
    XCTAssertEqual(try binary(.less, a, b).storage, .f32([0, 1, 1, 0, 1]))
    XCTAssertEqual(try binary(.mod, a, b).storage, .i32([0, 0, 1, -1, 0]))
    XCTAssertEqual(try binary(.mod, [7, -7, 7, -7, 0], [3, 3, -3, -3, 5]).storage, .i32([1, 2, -2, -1, 0]))
  }

  func testModTakesTheDivisorsSignOrWithFmodTheDividends() throws {
    for (fmod, expected) in [(false, [Float(1.5), 0.5, -0.5, -1.5, 0]), (true, [1.5, -1.5, 1.5, -1.5, 0])] {
      var builder = GraphBuilder(name: "mod")
      builder.input("a", .f32, [5])
      builder.input("b", .f32, [5])
      builder.output(builder.add(.mod, ["a", "b"], attributes: ["fmod": .bool(fmod)], name: "r"))
      let a = InterpreterTensor([5.5, -5.5, 5.5, -5.5, 4], shape: [5])
      let b = InterpreterTensor([2, 2, -2, -2, 2], shape: [5])
      let r = try Interpreter(graph: builder.build()).run(["a": a, "b": b])["r"]!
      XCTAssertEqual(r.floats(), expected, "fmod \(fmod)")
    }
  }

  func testPowIsComputedInDoubleAndSaturates() throws {
    let y = try binary(.pow, [2, 3, -2, 2, 10], [10, 0, 3, -1, 12])
    XCTAssertEqual(y.storage, .i32([1024, 1, -8, 0, .max]))
  }

  func testWhereReductionsAndDataMovementKeepI64Exact() throws {
    let big: Int64 = 1 << 60
    var builder = GraphBuilder(name: "ints")
    builder.input("x", .i64, [2, 3])
    builder.input("condition", .f32, [3])
    builder.output(builder.add(.where, ["condition", "x", builder.add(.neg, ["x"])], name: "chosen"))
    builder.output(builder.add(.reduceSum, ["x"], attributes: ["axes": .ints([0])], name: "sum"))
    builder.output(builder.add(.reduceMax, ["x"], attributes: ["axes": .ints([1])], name: "max"))
    builder.output(builder.add(.argmax, ["x"], attributes: ["axis": .int(1)], name: "argmax"))
    builder.output(builder.add(.transpose, ["x"], attributes: ["perm": .ints([1, 0])], name: "t"))
    builder.output(
      builder.add(
        .slice, ["x"],
        attributes: ["starts": .ints([0, -1]), "ends": .ints([2, -4]), "steps": .ints([1, -2])],
        name: "s"))
    builder.output(builder.add(.concat, ["x", "x"], attributes: ["axis": .int(1)], name: "c"))
    let ids = builder.weight("ids", TensorData(int64s: [2, 0], shape: [2]))
    builder.output(builder.add(.gather, ["x", ids], attributes: ["axis": .int(1)], name: "g"))
    builder.output(
      builder.add(.clamp, ["x"], attributes: ["min": .float(-2.5), "max": .float(4)], name: "clamped"))
    let x = try InterpreterTensor(shape: [2, 3], storage: .i64([big + 1, -3, 5, big, 4, -6]))
    let condition = InterpreterTensor([1, 0, .nan], shape: [3])
    let out = try Interpreter(graph: builder.build()).run(["x": x, "condition": condition])
    XCTAssertEqual(out["chosen"]?.storage, .i64([big + 1, 3, 5, big, -4, -6]))
    XCTAssertEqual(out["sum"]?.storage, .i64([2 * big + 1, 1, -1]))
    XCTAssertEqual(out["max"]?.storage, .i64([big + 1, big]))
    XCTAssertEqual(out["argmax"]?.storage, .i64([0, 0]))
    XCTAssertEqual(out["t"]?.storage, .i64([big + 1, big, -3, 4, 5, -6]))
    XCTAssertEqual(out["s"]?.storage, .i64([5, big + 1, -6, big]))
    XCTAssertEqual(out["c"]?.storage, .i64([big + 1, -3, 5, big + 1, -3, 5, big, 4, -6, big, 4, -6]))
    XCTAssertEqual(out["g"]?.storage, .i64([5, big + 1, -6, big]))
    XCTAssertEqual(out["clamped"]?.storage, .i64([4, -2, 4, 4, 4, -2]))
  }
}
