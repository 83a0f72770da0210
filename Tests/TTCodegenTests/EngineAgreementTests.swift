import TTCodegen
import TTIR
import TTInterpreter
import TTLoader
import XCTest

/// Inputs where C would crash or be undefined get the behaviour docs/IR.md defines, in the
/// compiled library as in the interpreter (issue 13, item 5).
final class EngineAgreementTests: XCTestCase {
  var cache = ""
  override func setUpWithError() throws { cache = try makeTemporaryDirectory("ttc-test-cache").path }
  override func tearDown() { removeDirectory(URL(fileURLWithPath: cache)) }

  private func load(_ graph: Graph) throws -> CompiledModel {
    let artifact = try ModelCompiler.compile(graph, options: CompileOptions(cacheDirectory: cache))
    return try CompiledModel(path: artifact.libraryPath, expecting: artifact.graphHash)
  }

  private func assertStatus(_ status: Int32, _ body: () throws -> Void, line: UInt = #line) {
    XCTAssertThrowsError(try body(), line: line) { error in
      guard case .runFailed(let found, _) = error as? LoaderError else {
        return XCTFail("\(error)", line: line)
      }
      XCTAssertEqual(found, status, line: line)
    }
  }

  func testGatherIndicesOutsideTheAxisFailInBothEngines() throws {
    for dtype in [DType.i64, .f32] {
      var builder = GraphBuilder(name: "gather")
      let table = builder.weight("table", TensorData((0..<8).map(Float.init), shape: [4, 2]))
      builder.output(builder.add(.gather, [table, builder.input("ids", dtype, [2])], name: "emb"))
      let graph = try builder.build()
      let model = try load(graph)
      let interpreter = try Interpreter(graph: graph)
      let bad: [Double] =
        dtype == .f32 ? [-1, 4, 1e30, -1e30, .nan, .infinity] : [-1, 4, -4, 1_099_511_627_776]
      for index in bad {
        let ids =
          dtype == .f32
          ? InterpreterTensor([0, Float(index)], shape: [2])
          : try InterpreterTensor(shape: [2], storage: .i64([0, Int64(index)]))
        assertStatus(2) { _ = try model.run([ids.tensorData]) }
        XCTAssertThrowsError(try interpreter.run(["ids": ids]), "index \(index)")
      }
      if dtype == .f32 {
        // Float indices truncate toward zero: -0.5 is row 0, 3.9 row 3.
        let ids = InterpreterTensor([-0.5, 3.9], shape: [2])
        XCTAssertEqual(try model.run([ids.tensorData])[0].floats(), [0, 1, 6, 7])
      }
    }
  }

  func testIntegerArithmeticWrapsAndDivisionByZeroIsAnError() throws {
    var builder = GraphBuilder(name: "ints")
    let a = builder.input("a", .i32, [4])
    let b = builder.input("b", .i32, [4])
    for op in [Op.add, .sub, .mul, .div] { builder.output(builder.add(op, [a, b], name: op.rawValue)) }
    builder.output(builder.add(.neg, [a], name: "neg"))
    builder.output(builder.add(.abs, [a], name: "abs"))
    let model = try load(try builder.build())
    let (min, max) = (Int32.min, Int32.max)
    func run(_ a: [Int32], _ b: [Int32]) throws -> [[Int64]] {
      let tensors = try [a, b].map { try InterpreterTensor(shape: [4], storage: .i32($0)).tensorData }
      return try model.run(tensors).map { $0.int64s() }
    }
    let results = try run([max, min, min, 7], [1, -1, -1, -2])
    XCTAssertEqual(results[0], [Int64(min), Int64(max), Int64(max), 5])  // add wraps
    XCTAssertEqual(results[1], [Int64(max - 1), Int64(min + 1), Int64(min + 1), 9])
    XCTAssertEqual(results[2], [Int64(max), Int64(min), Int64(min), -14])  // mul wraps
    XCTAssertEqual(results[3], [Int64(max), Int64(min), Int64(min), -3])  // MIN / −1 = MIN; truncates
    XCTAssertEqual(results[4], [Int64(-max), Int64(min), Int64(min), -7])  // −MIN = MIN
    XCTAssertEqual(results[5], [Int64(max), Int64(min), Int64(min), 7])
    assertStatus(4) { _ = try run([1, 2, 3, 4], [1, 0, 1, 1]) }
  }

  func testCastOfNaNInfinityAndHugeValuesSaturatesInBothEngines() throws {
    var builder = GraphBuilder(name: "casts")
    let x = builder.input("x", .f32, [9])
    for target in ["i8", "i32", "i64"] {
      let cast = builder.add(.cast, [x], attributes: ["to": .string(target)], name: "to_\(target)")
      builder.output(cast)
      if target == "i64" {
        builder.output(builder.add(.cast, [cast], attributes: ["to": .string("i8")], name: "narrowed"))
      }
    }
    let values: [Float] = [.nan, .infinity, -.infinity, 1e30, -1e30, 3.7, -3.7, 200, -200]
    try assertCompiledMatchesInterpreter(
      try builder.build(), ["x": InterpreterTensor(values, shape: [9])], cache: cache)
    let i32 = try Interpreter(graph: try builder.build()).run(["x": InterpreterTensor(values, shape: [9])])
    XCTAssertEqual(
      i32["to_i32"]?.int64s(),
      [0, Int64(Int32.max), Int64(Int32.min), Int64(Int32.max), Int64(Int32.min), 3, -3, 200, -200])
    XCTAssertEqual(i32["narrowed"]?.int64s(), [0, 127, -128, 127, -128, 3, -3, 127, -128])
  }

  func testIntegerSumsWrapAndIntegerPowSaturates() throws {
    var builder = GraphBuilder(name: "int-sum-pow")
    let a = builder.input("a", .i32, [6])
    let b = builder.input("b", .i32, [6])
    builder.output(builder.add(.reduceSum, [a], attributes: ["axes": .ints([0])], name: "sum"))
    builder.output(builder.add(.pow, [a, b], name: "pow"))
    let a64 = builder.input("a64", .i64, [2])
    builder.output(builder.add(.reduceSum, [a64], name: "sum64"))
    builder.output(builder.add(.pow, [a64, a64], name: "pow64"))
    let model = try load(try builder.build())
    let (min, max) = (Int32.min, Int32.max)
    let inputs = try [
      InterpreterTensor(shape: [6], storage: .i32([max, 1, 3, -1, 0, -1])),
      InterpreterTensor(shape: [6], storage: .i32([2, -1, 31, -3, -1, -2])),
      InterpreterTensor(shape: [2], storage: .i64([Int64.max, 3])),
    ].map(\.tensorData)
    let results = try model.run(inputs).map { $0.int64s() }
    // The sum wraps: MAX + 1 + 3 − 1 + 0 − 1 = MIN + 1.
    XCTAssertEqual(results[0], [Int64(min + 1)])
    // pow is computed in double and converted like cast (docs/IR.md): MAX² and 3^31 saturate at MAX;
    // 1^−1 = 1; (−1)^−3 = −1; 0^−1 = +inf saturates at MAX; (−1)^−2 = 1.
    XCTAssertEqual(results[1], [Int64(max), 1, Int64(max), -1, Int64(max), 1])
    XCTAssertEqual(results[2], [Int64.min + 2])
    XCTAssertEqual(results[3], [Int64.max, 27])  // MAX^MAX saturates at MAX; 3³ = 27
  }

  /// docs/IR.md, "NaN and overflow": `reduce_max`/`reduce_min` keep a NaN and reach ±inf (the
  /// compiled ones started from ∓FLT_MAX and skipped NaN); a softmax row holding a NaN is all NaN
  /// (the interpreter zeroed its finite elements, compiled code took an all-NaN row for a masked
  /// one). Graph-fuzzer findings s1_3825, s1_5519, s1_9616, s1_10036.
  func testNaNAndInfinityInReductionsAndSoftmaxAgreeInBothEngines() throws {
    var builder = GraphBuilder(name: "nan-rows")
    let x = builder.input("x", .f32, [4, 3])
    for op in [Op.reduceMax, .reduceMin] {
      builder.output(builder.add(op, [x], attributes: ["axes": .ints([1])], name: op.rawValue))
    }
    builder.output(builder.add(.softmax, [x], name: "softmax"))
    builder.output(builder.add(.logSoftmax, [x], name: "log_softmax"))
    let graph = try builder.build()
    let nan = Float.nan
    let values: [Float] = [
      nan, 1, 2, -.infinity, -.infinity, -.infinity, nan, nan, nan, .infinity, .infinity, 0,
    ]
    let input = InterpreterTensor(values, shape: [4, 3])
    let interpreted = try Interpreter(graph: graph).run(["x": input])
    let compiled = try load(graph).run([input.tensorData])
    // Equal, NaN for NaN (bit patterns aside).
    func same(_ a: [Float], _ b: [Float]) -> Bool {
      a.count == b.count && zip(a, b).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
    }
    for (index, info) in graph.outputs.enumerated() {
      let (i, c) = (interpreted[info.name]!.floats(), compiled[index].floats())
      XCTAssertTrue(same(i, c), "\(info.name): interpreter \(i), compiled \(c)")
    }
    XCTAssertTrue(same(interpreted["reduce_max"]!.floats(), [nan, -.infinity, nan, .infinity]))
    XCTAssertTrue(same(interpreted["reduce_min"]!.floats(), [nan, -.infinity, nan, 0]))
    let softmax = interpreted["softmax"]!.floats()
    XCTAssertTrue(softmax[0..<3].allSatisfy(\.isNaN) && softmax[6..<9].allSatisfy(\.isNaN))
    XCTAssertEqual(Array(softmax[3..<6]), [0, 0, 0])  // a fully masked row
  }

  /// `reduce_max`, `reduce_min` and `argmax` over an empty axis have no value: shape inference
  /// refuses them for every engine (the compiled code returned −FLT_MAX, the interpreter refused).
  func testMaximumOverAnEmptyAxisIsRefused() throws {
    for op in [Op.reduceMax, .reduceMin, .argmax] {
      var builder = GraphBuilder(name: "empty-axis")
      let x = builder.input("x", .f32, [0, 3])
      let attributes: [String: AttributeValue] = op == .argmax ? ["axis": .int(0)] : ["axes": .ints([0])]
      builder.output(builder.add(op, [x], attributes: attributes, name: "y"))
      XCTAssertThrowsError(try builder.build()) {
        XCTAssertEqual("\($0)", "node 'y' (\(op.rawValue)): cannot reduce axis 0 of size 0 in [0, 3]")
      }
    }
  }
}
