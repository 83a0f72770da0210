import TTIR
import TTInterpreter
import TinyTorch
import XCTest

final class LivenessTests: XCTestCase {
  func testAChainKeepsAtMostTwoIntermediatesAlive() throws {
    var builder = GraphBuilder(name: "chain")
    var value = builder.input("x", .f32, [64, 64])
    for index in 0..<12 { value = builder.add(index % 2 == 0 ? .relu : .tanh, [value], name: "n\(index)") }
    builder.output(value)
    let graph = try builder.build()
    let profile = try Interpreter(graph: graph).profile([
      "x": InterpreterTensor(randn([64, 64], seed: 1).scalars, shape: [64, 64])
    ])
    XCTAssertEqual(profile.peakLiveBuffers, 2, "input and output of one node")
    XCTAssertEqual(profile.peakLiveBytes, 2 * 64 * 64 * 4)
    XCTAssertEqual(profile.peakLiveBytes, try graph.analysis().peakIntermediateBytes)
  }

  func testBranchesKeepSharedValuesAliveUntilTheirLastReader() throws {
    // a feeds b, c and d; d = a + c, so a lives until d.
    var builder = GraphBuilder(name: "diamond")
    let x = builder.input("x", .f32, [8])
    let a = builder.add(.exp, [x], name: "a")
    let b = builder.add(.neg, [a], name: "b")
    let c = builder.add(.abs, [b], name: "c")
    let d = builder.add(.add, [a, c], name: "d")
    builder.output(d)
    _ = builder.add(.relu, [x], name: "dead")  // never read: freed at once
    let graph = try builder.build()
    let profile = try Interpreter(graph: graph).profile([
      "x": InterpreterTensor(Array(repeating: 1, count: 8), shape: [8])
    ])
    XCTAssertEqual(profile.peakLiveBuffers, 3)
    XCTAssertEqual(profile.peakLiveBytes, try graph.analysis().peakIntermediateBytes)
    XCTAssertEqual(profile.nodes.map(\.name), ["a", "b", "c", "d", "dead"])
    XCTAssertEqual(profile.nodes.map(\.flops), [8, 8, 8, 8, 8])
    XCTAssertTrue(profile.nodes.allSatisfy { $0.duration >= 0 && $0.start >= 0 })
  }
}
