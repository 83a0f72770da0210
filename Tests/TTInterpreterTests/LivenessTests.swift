import Foundation
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

final class BufferReuseTests: XCTestCase {
  /// Buffers of released intermediates are reused by later nodes and runs; values still shared
  /// (a reshaped view returned as an output, an earlier run's outputs) are never overwritten.
  func testReusedBuffersNeverChangeValuesTheCallerHolds() throws {
    let shape = [64, 128]  // above BufferPool.minimumCount floats
    var builder = GraphBuilder(name: "reuse")
    let x = builder.input("x", .f32, shape)
    let a = builder.add(.exp, [x], name: "a")
    let view = builder.add(.reshape, [a], attributes: ["shape": [128, 64]], name: "view")
    let b = builder.add(.neg, [a], name: "b")
    let c = builder.add(.tanh, [b], name: "c")
    let d = builder.add(.abs, [c], name: "d")
    builder.output(view)
    builder.output(d)
    let interpreter = try Interpreter(graph: try builder.build())
    func run(_ seed: UInt64) throws -> (input: [Float], view: [Float], d: [Float]) {
      let input = randn(shape, seed: seed).scalars
      let outputs = try interpreter.run(["x": InterpreterTensor(input, shape: shape)])
      return (input, outputs["view"]!.floats(), outputs["d"]!.floats())
    }
    func expectedD(_ input: [Float]) -> [Float] {
      input.map { Swift.abs(Foundation.tanh(-Foundation.exp($0))) }
    }
    let first = try run(1)
    for seed: UInt64 in 2...4 {
      let next = try run(seed)
      assertClose(next.view, next.input.map { Foundation.exp($0) }, "run \(seed)")
      assertClose(next.d, expectedD(next.input), "run \(seed)")
    }
    // The first run's outputs, read again after three more runs.
    assertClose(first.view, first.input.map { Foundation.exp($0) }, "an earlier run's output changed")
    assertClose(first.d, expectedD(first.input), "an earlier run's output changed")
  }
}
