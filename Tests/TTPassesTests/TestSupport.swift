import TTIR
import TTPasses
import TinyTorch
import XCTest

/// x[2, 3] → relu → (exp: dead) → neg → y, with one weight read by the dead branch only.
func makeGraphWithDeadCode() throws -> Graph {
  var b = GraphBuilder(name: "dead-code")
  let x = b.input("x", .f32, [2, 3])
  let unused = b.weight("unused", TensorData([1, 2, 3], shape: [3]))
  let relu = b.add(.relu, [x], name: "relu")
  b.add(.exp, [b.add(.add, [relu, unused], name: "dead_add")], name: "dead_exp")
  b.output(b.add(.neg, [relu], name: "neg", output: "y"))
  return try b.build()
}

/// Asserts that `body` throws an error whose one-line description contains every fragment.
func assertThrows(
  _ fragments: String..., file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void
) {
  do {
    try body()
    XCTFail("expected an error containing \(fragments)", file: file, line: line)
  } catch {
    let text = String(describing: error)
    for fragment in fragments {
      XCTAssertTrue(
        text.contains(fragment), "'\(text)' does not contain '\(fragment)'", file: file, line: line)
    }
    XCTAssertFalse(text.contains("\n"), "error is not one line: \(text)", file: file, line: line)
  }
}

/// A pass that removes the first node although later nodes read it (for verifier tests).
struct BreakingPass: Pass {
  static let name = "breaking"
  static let purpose = "Removes the first node, leaving its readers dangling."
  func run(_ graph: inout Graph, context: inout PassContext) throws -> Bool {
    graph.nodes.removeFirst()
    return true
  }
}

/// Collects what a ``GraphPrinter`` writes.
final class TextSink: @unchecked Sendable {
  var text = ""
}

/// `count` seeded values in [-1, 1).
func values(_ count: Int, seed: UInt64) -> [Float] {
  Tensor.uniform([count], low: -1, high: 1, seed: seed).scalars
}

/// The exact passes' tolerance: `|a − b| ≤ 1e-6 · max(1, |b|)` element by element.
func assertExactlyClose(
  _ actual: [Float], _ expected: [Float], _ message: String, file: StaticString = #filePath,
  line: UInt = #line
) {
  XCTAssertEqual(actual.count, expected.count, message, file: file, line: line)
  for (index, (a, b)) in zip(actual, expected).enumerated() where !(abs(a - b) <= 1e-6 * max(1, abs(b))) {
    XCTFail("\(message): element \(index) is \(a), expected \(b)", file: file, line: line)
    return
  }
}
