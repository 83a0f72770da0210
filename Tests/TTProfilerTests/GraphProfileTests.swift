import Foundation
import TTCodegen
import TTIR
import TTInterpreter
import TTLoader
import TTProfiler
import TestSupport
import XCTest

/// The profiler on the interpreter and the compiled library: hand-counted costs, per-node times,
/// memory, traces, and the node a failing run names.
final class GraphProfileTests: XCTestCase {
  /// One compile cache for the class, so that the C runtime is compiled once.
  private static let cacheURL = try! makeTemporaryDirectory("ttprofiler")
  private var cache: String { Self.cacheURL.path }

  override class func tearDown() { removeDirectory(cacheURL) }

  /// x[4, 8] → fc1 (8→16, bias) → relu → fc2 (16→3, bias).
  private func mlp() throws -> Graph {
    var builder = GraphBuilder(name: "mlp")
    let x = builder.input("x", .f32, [4, 8])
    builder.weight("fc1.weight", TensorData(ramp(8 * 16), shape: [8, 16]))
    builder.weight("fc1.bias", TensorData(ramp(16), shape: [16]))
    builder.weight("fc2.weight", TensorData(ramp(16 * 3), shape: [16, 3]))
    builder.weight("fc2.bias", TensorData(ramp(3), shape: [3]))
    let h = builder.add(.linear, [x, "fc1.weight", "fc1.bias"], name: "fc1")
    let a = builder.add(.relu, [h], name: "act")
    builder.output(builder.add(.linear, [a, "fc2.weight", "fc2.bias"], name: "fc2"))
    return try builder.build()
  }

  private func ramp(_ count: Int) -> [Float] { (0..<count).map { Float($0 % 7) * 0.1 - 0.3 } }

  private func inputs(_ graph: Graph) -> [String: InterpreterTensor] {
    Dictionary(
      uniqueKeysWithValues: graph.inputs.map {
        ($0.name, InterpreterTensor(ramp($0.type.elementCount), shape: $0.type.shape))
      })
  }

  private func compile(_ graph: Graph) throws -> CompiledModel {
    let artifact = try ModelCompiler.compile(graph, options: CompileOptions(cacheDirectory: cache))
    return try CompiledModel(path: artifact.libraryPath, expecting: artifact.graphHash)
  }

  func testLinearCountsMatchHandCounts() throws {
    let profile = try Profiler(warmup: 0, runs: 3).profile(Interpreter(graph: mlp()), inputs: inputs(mlp()))
    let byName = Dictionary(uniqueKeysWithValues: profile.nodes.map { ($0.name, $0) })
    // fc1: 2·M·in·out + M·out (bias); reads x, W, b; writes [4, 16].
    XCTAssertEqual(byName["fc1"]?.flops, 2 * 4 * 8 * 16 + 4 * 16)
    XCTAssertEqual(byName["fc1"]?.bytesRead, (4 * 8 + 8 * 16 + 16) * 4)
    XCTAssertEqual(byName["fc1"]?.bytesWritten, 4 * 16 * 4)
    XCTAssertEqual(byName["fc1"]?.parameterCount, 8 * 16 + 16)
    XCTAssertEqual(byName["act"]?.flops, 4 * 16)
    XCTAssertEqual(byName["act"]?.parameterCount, 0)
    XCTAssertEqual(byName["fc2"]?.flops, 2 * 4 * 16 * 3 + 4 * 3)
    XCTAssertEqual(profile.parameterCount, 8 * 16 + 16 + 16 * 3 + 3)
    XCTAssertEqual(profile.totalFLOPs, 1088 + 64 + 396)
    // fc1's and act's outputs live together: 2 · 64 floats.
    XCTAssertEqual(profile.memory.bytes, 2 * 4 * 16 * 4)
    XCTAssertEqual(profile.memory.source, .measuredAllocations)
    XCTAssertEqual(profile.runDurations.count, 3)
    for node in profile.nodes {
      XCTAssertEqual(node.durations.count, 3)
      XCTAssertTrue(node.durations.allSatisfy { $0 >= 0 })
    }
  }

  func testConvolutionAndAttentionCountsMatchHandCounts() throws {
    var builder = GraphBuilder(name: "conv-attention")
    let x = builder.input("x", .f32, [1, 2, 6, 6])
    builder.weight("conv.weight", TensorData(ramp(4 * 2 * 9), shape: [4, 2, 3, 3]))
    builder.weight("conv.bias", TensorData(ramp(4), shape: [4]))
    builder.output(builder.add(.conv2d, [x, "conv.weight", "conv.bias"], name: "conv"))  // [1, 4, 4, 4]
    let q = builder.input("q", .f32, [1, 2, 5, 4])
    let k = builder.input("k", .f32, [1, 2, 7, 4])
    let v = builder.input("v", .f32, [1, 2, 7, 3])
    builder.output(builder.add(.scaledDotProductAttention, [q, k, v], name: "attention"))  // [1, 2, 5, 3]
    let graph = try builder.build()
    let profile = try Profiler(warmup: 0, runs: 1).profile(Interpreter(graph: graph), inputs: inputs(graph))
    let byName = Dictionary(uniqueKeysWithValues: profile.nodes.map { ($0.name, $0) })
    // conv: 2·N·O·OH·OW·C·kh·kw + N·O·OH·OW (bias).
    XCTAssertEqual(byName["conv"]?.flops, 2 * 64 * 2 * 9 + 64)
    XCTAssertEqual(byName["conv"]?.parameterCount, 4 * 2 * 9 + 4)
    // attention: scores B·H·Sq·Sk = 70; 2·70·D for QKᵀ, 2·70·Dv for the weights × V, 6·70 for
    // scaling and softmax.
    XCTAssertEqual(byName["attention"]?.flops, 2 * 70 * 4 + 2 * 70 * 3 + 6 * 70)
    XCTAssertEqual(byName["attention"]?.bytesRead, (40 + 56 + 42) * 4)
  }

  func testCompiledLibraryIsTimedNodeByNodeThroughItsObserverHook() throws {
    let graph = try mlp()
    let library = try compile(graph)
    let ordered = graph.inputs.map { inputs(graph)[$0.name]!.tensorData }
    let profile = try Profiler(warmup: 1, runs: 4).profile(library, graph: graph, inputs: ordered)
    XCTAssertEqual(profile.engine, .compiled)
    XCTAssertEqual(profile.nodes.map(\.name), ["fc1", "act", "fc2"])
    XCTAssertEqual(profile.runDurations.count, 4)
    for run in 0..<4 {
      let durations = profile.nodes.map { $0.durations[run] }
      XCTAssertTrue(durations.allSatisfy { $0 > 0 }, "every node was stamped: \(durations)")
      XCTAssertLessThanOrEqual(durations.reduce(0, +), profile.runDurations[run])
      let starts = profile.nodes.map { $0.starts[run] }
      XCTAssertEqual(starts, starts.sorted())
      XCTAssertEqual(starts[1], starts[0] + durations[0], accuracy: 1e-9)
    }
    XCTAssertEqual(profile.memory.source, .arenaPlan)
    XCTAssertEqual(profile.memory.bytes, library.workspaceBytes)
    XCTAssertEqual(profile.totalFLOPs, 1088 + 64 + 396)

    // The same graph interpreted gives the same costs, node for node.
    let interpreted = try Profiler(warmup: 0, runs: 1).profile(
      Interpreter(graph: graph), inputs: inputs(graph))
    XCTAssertEqual(interpreted.nodes.map(\.flops), profile.nodes.map(\.flops))
    XCTAssertEqual(interpreted.nodes.map(\.bytes), profile.nodes.map(\.bytes))
  }

  func testAFailingRunNamesTheNodeInEveryGraphEngine() throws {
    var builder = GraphBuilder(name: "embed")
    let ids = builder.input("ids", .f32, [3])
    let table = builder.weight("table", TensorData(ramp(12), shape: [4, 3]))
    let rows = builder.add(.gather, [table, ids], name: "lookup")
    builder.output(builder.add(.relu, [rows], name: "after"))
    let graph = try builder.build()
    let bad = ["ids": InterpreterTensor([1, 9, 0], shape: [3])]
    XCTAssertThrowsError(try Profiler().profile(Interpreter(graph: graph), inputs: bad)) { error in
      let failure = error as? ProfileError
      XCTAssertEqual(failure?.location, "lookup")
      XCTAssertTrue("\(error)".hasPrefix("interpreter: node 'lookup' (gather) threw: "), "\(error)")
    }
    let library = try compile(graph)
    XCTAssertThrowsError(
      try Profiler(warmup: 0).profile(library, graph: graph, inputs: [bad["ids"]!.tensorData])
    ) {
      error in
      XCTAssertEqual((error as? ProfileError)?.location, "lookup")
      XCTAssertTrue("\(error)".contains("compiled: node 'lookup' (gather) threw: "), "\(error)")
    }
  }

  func testALibraryOfAnotherGraphIsRefused() throws {
    let library = try compile(mlp())
    var other = try mlp()
    other.name = "other"
    XCTAssertThrowsError(try Profiler().profile(library, graph: other, inputs: [])) { error in
      XCTAssertTrue("\(error)".contains("was not compiled from graph 'other'"), "\(error)")
    }
  }

  func testChromeTraceHasOneSlicePerNodePerRun() throws {
    let graph = try mlp()
    let profile = try Profiler(warmup: 0, runs: 2).profile(
      compile(graph), graph: graph, inputs: [inputs(graph)["x"]!.tensorData])
    let document =
      try JSONSerialization.jsonObject(with: Data(ChromeTrace.json(profile).utf8)) as? [String: Any]
    let events = try XCTUnwrap(document?["traceEvents"] as? [[String: Any]])
    XCTAssertEqual(events.count, 2 * 3)
    XCTAssertEqual(events.compactMap { $0["name"] as? String }, ["fc1", "act", "fc2", "fc1", "act", "fc2"])
    let starts = events.compactMap { ($0["ts"] as? NSNumber)?.doubleValue }
    XCTAssertEqual(starts, starts.sorted())
    XCTAssertEqual((document?["otherData"] as? [String: String])?["engine"], "compiled")
  }

  func testRooflinePlacesNodesUnderTheLowerRoof() {
    let roofline = Roofline(peakGFLOPS: 100, bandwidthGBPerSecond: 20)
    XCTAssertEqual(roofline.ridgeIntensity, 5)
    // 1000 FLOPs over 400 bytes (2.5 FLOP/B) in 1 µs: 1 GFLOP/s of an attainable 50.
    let node = ProfiledNode(
      name: "n", kind: "linear", output: "f32[1]", flops: 1000, bytesRead: 300, bytesWritten: 100,
      durations: [1e-6])
    let point = roofline.point(for: node)
    XCTAssertEqual(point.intensity, 2.5)
    XCTAssertEqual(point.attainableGFLOPS, 50)
    XCTAssertEqual(point.achievedGFLOPS, 1, accuracy: 1e-9)
    XCTAssertEqual(point.fractionOfAttainable, 0.02, accuracy: 1e-9)
    XCTAssertEqual(point.bound, .memory)
    XCTAssertEqual(roofline.attainableGFLOPS(intensity: 50), 100)
  }

  func testPeakGivesAFigureOnThePortablePathAndCachesPerPath() throws {
    let peak = MachinePeak.measure(seconds: 0.06, path: .portable)
    XCTAssertEqual(peak.path, "portable")
    XCTAssertGreaterThan(peak.fp32GFLOPS, 0)
    XCTAssertGreaterThan(peak.readGBPerSecond, 0)
    let root = cache + "/peak-test"
    try peak.store(root: root)
    XCTAssertEqual(MachinePeak.cached(root: root, path: .portable)?.fp32GFLOPS, peak.fp32GFLOPS)
    XCTAssertNotEqual(MachinePeak.cachePath(root: root, path: .portable), MachinePeak.cachePath(root: root))
  }
}
