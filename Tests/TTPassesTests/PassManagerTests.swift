import TTIR
import XCTest

@testable import TTPasses

final class PassManagerTests: XCTestCase {
  func testPipelineRecordsStatisticsPerPass() throws {
    let graph = try makeGraphWithDeadCode()
    let result = try PassManager(pipeline: .level(.O1)).run(graph)
    XCTAssertEqual(result.graph.nodes.map(\.name), ["relu", "neg"])
    XCTAssertEqual(result.graph.weights.count, 0)
    let byPass = Dictionary(uniqueKeysWithValues: result.statistics.map { ($0.pass, $0) })
    let dce = try XCTUnwrap(byPass["dce"])
    XCTAssertTrue(dce.changed)
    XCTAssertEqual([dce.nodesBefore, dce.nodesAfter], [4, 2])
    let weights = try XCTUnwrap(byPass["drop-unused-weights"])
    XCTAssertEqual([weights.weightBytesBefore, weights.weightBytesAfter], [12, 0])
    XCTAssertEqual(weights.nodesFused, 0)
    XCTAssertTrue(result.statistics.allSatisfy { $0.seconds >= 0 })
  }

  func testOLevelsAreNestedAndO0RunsNothing() throws {
    XCTAssertEqual(OptimizationLevel.O0.passNames, [])
    // -O2 runs -O1's passes in the same order (fusion between the exact and the layout passes).
    XCTAssertEqual(
      OptimizationLevel.O2.passNames.filter(OptimizationLevel.O1.passNames.contains),
      OptimizationLevel.O1.passNames)
    XCTAssertEqual(OptimizationLevel.O1.passNames.last, "pack-weights")
    XCTAssertEqual(OptimizationLevel.O2.passNames.last, "pack-weights")
    let graph = try makeGraphWithDeadCode()
    XCTAssertEqual(try PassManager(pipeline: .level(.O0)).run(graph).graph, graph)
    for name in OptimizationLevel.O2.passNames {
      XCTAssertNoThrow(try PassRegistry.registration(named: name), name)
    }
  }

  func testABatchSizePutsSpecializeBatchFirstAndIntoTheDescription() throws {
    let pipeline = try Pipeline.level(.O1, options: PassOptions(batchSize: 8))
    XCTAssertEqual(pipeline.passes.first?.label, "specialize-batch(batch=8)")
    XCTAssertEqual(
      pipeline.description,
      "O1: specialize-batch(batch=8)," + OptimizationLevel.O1.passNames.joined(separator: ","))
    let result = try PassManager(pipeline: pipeline).run(try makeGraphWithDeadCode())
    XCTAssertEqual(result.graph.inputs[0].type.shape, [8, 3])
    XCTAssertEqual(result.graph.outputs[0].type.shape, [8, 3])
  }

  func testUnknownPassListsTheKnownOnes() {
    assertThrows("unknown pass 'cse2'", "known passes: specialize-batch, fold-constants, simplify,", " dce, ")
    {
      _ = try Pipeline.named(["dce", "cse2"])
    }
    assertThrows("pass 'specialize-batch' needs a batch size") {
      _ = try Pipeline.named(["specialize-batch"])
    }
  }

  func testAPassThatBreaksTheGraphIsNamedWithTheNode() throws {
    let pipeline = Pipeline(name: "custom", passes: [DeadCodeElimination(), BreakingPass()])
    assertThrows("pass 'breaking' produced an invalid graph", "node 'neg' (neg)", "'relu'") {
      _ = try PassManager(pipeline: pipeline).run(try makeGraphWithDeadCode())
    }
  }

  func testAnInvalidInputIsReportedBeforeAnyPass() throws {
    var graph = try makeGraphWithDeadCode()
    graph.nodes.swapAt(0, 3)
    assertThrows("the graph is invalid before any pass ran", "node 'neg'") {
      _ = try PassManager(pipeline: .level(.O1)).run(graph)
    }
  }

  func testPrintAfterOnePassOrAll() throws {
    let pipeline = try Pipeline.named(["dce", "drop-unused-weights"])
    let sink = TextSink()
    let one = try GraphPrinter(after: "dce", in: pipeline) { sink.text += $0 }
    _ = try PassManager(pipeline: pipeline, instruments: [one]).run(try makeGraphWithDeadCode())
    XCTAssertTrue(sink.text.hasPrefix("// after dce\ngraph 'dead-code'\n"), sink.text)
    XCTAssertTrue(sink.text.contains("  y = neg(relu)  # neg  -> f32[2, 3]\n"), sink.text)
    XCTAssertFalse(sink.text.contains("dead_exp"), sink.text)
    XCTAssertTrue(sink.text.contains("weight unused"), "weights are dropped later")
    sink.text = ""
    let all = try GraphPrinter(after: "all", in: pipeline) { sink.text += $0 }
    _ = try PassManager(pipeline: pipeline, instruments: [all]).run(try makeGraphWithDeadCode())
    XCTAssertEqual(sink.text.components(separatedBy: "// after ").count - 1, 2)
    assertThrows("no pass 'cse' in the pipeline to print after (it runs: dce, drop-unused-weights)") {
      _ = try GraphPrinter(after: "cse", in: pipeline) { _ in }
    }
    assertThrows("(it is empty)") { _ = try GraphPrinter(after: "dce", in: .level(.O0)) { _ in } }
  }

  func testRunningAPipelineTwiceChangesNothingMore() throws {
    let once = try PassManager(pipeline: .level(.O2)).run(try makeGraphWithDeadCode())
    let twice = try PassManager(pipeline: .level(.O2)).run(once.graph)
    XCTAssertEqual(twice.graph, once.graph)
    XCTAssertFalse(twice.statistics.contains { $0.changed }, "\(twice.statistics)")
  }

  func testAppliedRunsOnePassWithVerification() throws {
    let graph = try DeadCodeElimination().applied(to: try makeGraphWithDeadCode())
    XCTAssertEqual(graph.nodes.count, 2)
    assertThrows("pass 'breaking' produced an invalid graph") { _ = try BreakingPass().applied(to: graph) }
  }
}
