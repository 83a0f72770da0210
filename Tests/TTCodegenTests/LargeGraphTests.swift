import TTCodegen
import TTIR
import XCTest

/// Graph size must not make planning or emission quadratic (issue 13, item 6).
final class LargeGraphTests: XCTestCase {
  /// A chain x → relu → neg → relu → … of `count` nodes on a small tensor.
  private func chain(_ count: Int) throws -> Graph {
    var builder = GraphBuilder(name: "chain")
    var value = builder.input("x", .f32, [1, 16])
    for index in 0..<count { value = builder.add(index.isMultiple(of: 2) ? .relu : .neg, [value]) }
    builder.output(value)
    return try builder.build()
  }

  /// The libclang parse holds the whole AST (gigabytes at 100,000 nodes), so graphs over its node
  /// limit skip it with a note (compiling one takes too long for the suite: README, "100,000-node
  /// chain").
  func testTheLibclangCheckIsSkippedWithANoteOverItsNodeLimit() {
    XCTAssertNil(CSourceChecker.skipNote(nodeCount: CSourceChecker.nodeLimit))
    XCTAssertEqual(
      CSourceChecker.skipNote(nodeCount: 100_000),
      "libclang check skipped: 100000 nodes is over its limit of 10000 (its memory grows with the source); "
        + "clang still checks everything")
  }

  func testALongChainPlansInLinearTime() throws {
    let graph = try chain(25_000)
    let plan = MemoryPlanner.plan(graph, types: try graph.valueTypes()) { _ in 0 }
    // Two buffers alternate along the chain.
    XCTAssertEqual(plan.arenaBytes, 128)
    XCTAssertEqual(plan.values.count, 24_999)
  }

  /// Many long-lived buffers exhaust the planner's work budget; the rest are stacked, and no two
  /// buffers alive at the same time share bytes either way.
  func testBuffersAliveTogetherNeverShareBytesWhenTheBudgetRunsOut() throws {
    var builder = GraphBuilder(name: "wide")
    let x = builder.input("x", .f32, [4])
    var values: [String] = []
    for index in 0..<600 { values.append(builder.add(index.isMultiple(of: 2) ? .relu : .neg, [x])) }
    var sum = values[0]
    for value in values.dropFirst().reversed() { sum = builder.add(.add, [sum, value]) }
    builder.output(sum)
    let graph = try builder.build()
    let plan = MemoryPlanner.plan(graph, types: try graph.valueTypes()) { _ in 0 }
    var lifetime: [String: ClosedRange<Int>] = [:]
    for (index, node) in graph.nodes.enumerated() {
      for name in node.inputs + node.outputs where plan.values[name] != nil {
        let start = lifetime[name]?.lowerBound ?? index
        lifetime[name] = start...index
      }
    }
    let placed = plan.values.sorted { $0.key < $1.key }
    XCTAssertEqual(placed.count, 600 + 598)
    for (i, (a, slotA)) in placed.enumerated() {
      for (b, slotB) in placed[(i + 1)...] where lifetime[a]!.overlaps(lifetime[b]!) {
        let disjoint =
          slotA.offset + slotA.bytes <= slotB.offset || slotB.offset + slotB.bytes <= slotA.offset
        XCTAssertTrue(disjoint, "\(a) \(slotA) and \(b) \(slotB) are alive together")
        if !disjoint { return }
      }
    }
  }
}
