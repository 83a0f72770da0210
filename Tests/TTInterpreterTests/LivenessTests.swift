import Foundation
import MallocStatistics
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

final class SteadyStateMemoryTests: XCTestCase {
  /// Once the buffer pool holds a run's buffers, later runs write into memory earlier runs
  /// touched: no node allocates fresh pages. Packed-heads attention used to copy q, k, v and its
  /// result through five new arrays on every run (about 160 page faults per 128 KiB operand set,
  /// which made the fused reverser slower than the unfused one in the interpreter).
  func testFusedAttentionRunsTouchNoFreshPages() throws {
    let (batch, positions, width) = (4, 64, 128)  // 128 KiB operands: above malloc's mmap threshold
    var builder = GraphBuilder(name: "heads")
    let shape = [batch, positions, width]
    for name in ["q", "k", "v"] { builder.input(name, .f32, shape) }
    let attended = builder.add(
      .scaledDotProductAttention, ["q", "k", "v"], attributes: ["heads": 4, "causal": true], name: "attention"
    )
    let negated = builder.add(.neg, [attended], name: "negated")
    // A small output, so that the caller's copy of it allocates no pages either.
    builder.output(
      builder.add(
        .slice, [negated], attributes: ["starts": .ints([0, 0, 0]), "ends": .ints([1, 1, width])], name: "row"
      ))
    let interpreter = try Interpreter(graph: try builder.build())
    let inputs = Dictionary(
      uniqueKeysWithValues: ["q", "k", "v"].enumerated().map { index, name in
        (name, InterpreterTensor(randn(shape, seed: UInt64(index)).scalars, shape: shape))
      })
    for _ in 0..<3 { _ = try interpreter.run(inputs) }  // fills the pool
    // Each run starts with every free heap page given back, so whatever it allocates outside the
    // pool is fresh memory and faults in (32 faults per 128 KiB).
    var faults = 0
    for _ in 0..<8 {
      release_free_heap_pages()
      let before = thread_minor_page_faults()
      _ = try interpreter.run(inputs)
      faults += thread_minor_page_faults() - before
    }
    // Scratch of a few KiB per run is fine (about 9 pages here); one 128 KiB copy per run is not
    // (the copying kernel touched over 128 per run).
    XCTAssertLessThan(faults, 8 * 32, "8 steady-state runs touched \(faults) fresh pages")
  }
}
