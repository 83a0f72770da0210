import TTIR
import TTPasses
import XCTest

final class PatternRewriterTests: XCTestCase {
  /// neg(neg(v)) → v.
  let doubleNegation = RewriteRule("double-negation", root: .neg) { id, editor in
    let node = editor[id]
    guard let inner = editor.producer(of: node.inputs[0]), editor[inner].op == .neg else { return false }
    return editor.replaceAllUses(of: node.outputs[0], with: editor[inner].inputs[0])
  }

  func testRulesRunToAFixedPointAndCountHits() throws {
    var b = GraphBuilder(name: "negs")
    var v = b.input("x", .f32, [4])
    for index in 0..<4 { v = b.add(.neg, [v], name: "n\(index)") }
    b.output(b.add(.relu, [v], name: "act", output: "y"))
    var editor = try GraphEditor(try b.build())
    var context = PassContext()
    let rewriter = PatternRewriter([doubleNegation])
    XCTAssertTrue(try rewriter.apply(to: &editor, context: &context))
    XCTAssertEqual(editor.graph.nodes.map(\.description), ["y = relu(x)  # act"])
    XCTAssertEqual(context.counters, ["double-negation": 2])
    XCTAssertFalse(try rewriter.apply(to: &editor, context: &context), "nothing left to rewrite")
  }

  func testRulesAreOnlyTriedOnTheirRootOp() throws {
    let never = RewriteRule("never-on-relu", root: .exp) { _, _ in
      XCTFail("tried on a node of another op")
      return false
    }
    var editor = try GraphEditor(try makeGraphWithDeadCode())
    editor.removeDeadNodes()
    var context = PassContext()
    XCTAssertFalse(try PatternRewriter([never]).apply(to: &editor, context: &context))
  }

  func testARuleSetThatNeverSettlesIsNamed() throws {
    let flip = RewriteRule("always-fires", root: .relu) { _, _ in true }
    var editor = try GraphEditor(try makeGraphWithDeadCode())
    var context = PassContext()
    assertThrows("did not reach a fixed point in 3 sweeps", "still firing: always-fires") {
      _ = try PatternRewriter([flip], maxSweeps: 3).apply(to: &editor, context: &context)
    }
  }
}
