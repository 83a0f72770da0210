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
