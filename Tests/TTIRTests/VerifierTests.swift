import XCTest

@testable import TTIR

final class VerifierTests: XCTestCase {
  private func graph(
    _ nodes: [Node], outputs: [ValueInfo] = [], weights: [String: TensorData] = [:]
  ) -> Graph {
    Graph(
      name: "g", inputs: [ValueInfo("x", .f32, [1, 4])], outputs: outputs, nodes: nodes,
      weights: weights)
  }

  private func relu(_ name: String, _ input: String, _ output: String) -> Node {
    Node(name: name, op: .relu, inputs: [input], outputs: [output])
  }

  func testValidGraphPasses() throws {
    let g = graph(
      [relu("a", "x", "h"), relu("b", "h", "y")], outputs: [ValueInfo("y", .f32, [1, 4])])
    XCTAssertNoThrow(try g.verify())
    XCTAssertNoThrow(try makeMLP().verify())
  }

  func testNamesWithANulByteAreRefused() {
    // Names reach compiled libraries as C strings; a NUL byte would silently cut them.
    assertThrows("graph 'g': name 'h\u{0}i' contains a NUL byte") {
      try graph([relu("a", "x", "h\u{0}i")]).verify()
    }
    assertThrows("graph 'g': name 'n\u{0}' contains a NUL byte") {
      try graph([relu("n\u{0}", "x", "y")]).verify()
    }
  }

  func testLongCyclesAndReversedChainsAreFoundInLinearTime() {
    // A ring of 100,000 nodes: node i reads node i-1's output, node 0 reads the last one.
    let count = 100_000
    let ring = (0..<count).map { relu("n\($0)", "v\(($0 + count - 1) % count)", "v\($0)") }
    assertThrows(
      "node 'n0' (relu): cycle: n0 → n99999 → n99998 → n99997 → n99996 → n99995 → … (100000 nodes) → n5 → n4 → n3 → n2 → n1 → n0"
    ) {
      try graph(ring).verify()
    }
    // The same chain listed backwards is an ordering error, not a cycle.
    let chain = (1..<count).map { relu("n\($0)", $0 == 1 ? "x" : "v\($0 - 1)", "v\($0)") }
    assertThrows("node 'n99999' (relu): input 'v99998' is produced by later node 'n99998'") {
      try graph(chain.reversed()).verify()
    }
  }

  func testDanglingInput() {
    let g = graph([relu("a", "missing", "y")])
    assertThrows(
      "node 'a' (relu): input 'missing' is not defined (no graph input, weight or node output has this name)"
    ) {
      try g.verify()
    }
  }

  func testOutOfOrderWithoutCycle() {
    let g = graph([relu("a", "h", "y"), relu("b", "x", "h")])
    assertThrows(
      "node 'a' (relu): input 'h' is produced by later node 'b' (nodes must be in topological order)"
    ) {
      try g.verify()
    }
  }

  func testCycle() {
    let nodes = [
      Node(name: "a", op: .add, inputs: ["x", "c"], outputs: ["a_out"]),
      relu("b", "a_out", "b_out"),
      relu("c", "b_out", "c"),
    ]
    assertThrows("node 'a' (add): cycle: a → c → b → a") { try self.graph(nodes).verify() }
    assertThrows("node 's' (relu): cycle: s → s") { try self.graph([relu("s", "v", "v")]).verify() }
  }

  func testDuplicateNames() {
    assertThrows("node 'b' (relu): output 'h' is already defined by node 'a'") {
      try self.graph([relu("a", "x", "h"), relu("b", "x", "h")]).verify()
    }
    assertThrows("node 'a' (relu): node name 'a' is used by an earlier node") {
      try self.graph([relu("a", "x", "h"), relu("a", "x", "k")]).verify()
    }
    assertThrows("node 'a' (relu): output 'x' is already defined by graph input") {
      try self.graph([relu("a", "x", "x")]).verify()
    }
    assertThrows("graph 'g': weight 'x' is already defined by graph input") {
      try self.graph([], weights: ["x": TensorData([1], shape: [1])]).verify()
    }
    let twice = Graph(
      name: "g", inputs: [ValueInfo("x", .f32, [1]), ValueInfo("x", .f32, [1])], outputs: [],
      nodes: [])
    assertThrows("graph 'g': input 'x' is listed twice") { try twice.verify() }
  }

  func testArityAndAttributes() {
    assertThrows("node 'a' (relu): expects 1 inputs (x), got 2") {
      try self.graph([Node(name: "a", op: .relu, inputs: ["x", "x"], outputs: ["y"])]).verify()
    }
    assertThrows("node 'a' (relu): must have exactly 1 output, got 2") {
      try self.graph([Node(name: "a", op: .relu, inputs: ["x"], outputs: ["y", "z"])]).verify()
    }
    assertThrows("node 'r' (reshape): missing required attribute 'shape' (ints)") {
      try self.graph([Node(name: "r", op: .reshape, inputs: ["x"], outputs: ["y"])]).verify()
    }
    assertThrows("node 'a' (relu): unknown attribute 'alpha' (it takes none)") {
      try self.graph([
        Node(name: "a", op: .relu, inputs: ["x"], outputs: ["y"], attributes: ["alpha": 0.1])
      ]).verify()
    }
  }

  func testShapeMismatchNamesTheNode() {
    var b = GraphBuilder(name: "g")
    let x = b.input("x", .f32, [32, 128])
    let w = b.weight("w", TensorData([Float](repeating: 0, count: 640), shape: [64, 10]))
    b.output(b.add(.matmul, [x, w], name: "fc2"))
    assertThrows("node 'fc2' (matmul): inner dimensions 128 and 64 differ") { _ = try b.build() }
    assertThrows("node 'fc2' (matmul): inner dimensions 128 and 64 differ") {
      try b.unverifiedGraph.verify()
    }
  }

  func testDTypeRules() {
    let g = Graph(
      name: "g", inputs: [ValueInfo("x", .f32, [2]), ValueInfo("i", .i32, [2])], outputs: [],
      nodes: [Node(name: "sum", op: .add, inputs: ["x", "i"], outputs: ["y"])])
    assertThrows("node 'sum' (add): b dtype i32 differs from a dtype f32") { try g.verify() }
  }

  func testGraphOutputs() {
    assertThrows("graph 'g': output 'nope' is not defined by any input, weight or node") {
      try self.graph([], outputs: [ValueInfo("nope", .f32, [1])]).verify()
    }
    assertThrows("graph 'g': output 'y' is declared f32[1, 5] but computed as f32[1, 4]") {
      try self.graph([self.relu("a", "x", "y")], outputs: [ValueInfo("y", .f32, [1, 5])]).verify()
    }
    assertThrows("graph 'g': output 'y' is listed twice") {
      let y = ValueInfo("y", .f32, [1, 4])
      try self.graph([self.relu("a", "x", "y")], outputs: [y, y]).verify()
    }
    XCTAssertNoThrow(
      try graph([], outputs: [ValueInfo("x", .f32, [1, 4])]).verify(), "an input may be an output")
  }

  func testInvalidInputShape() {
    let g = Graph(name: "g", inputs: [ValueInfo("x", .f32, [-1, 4])], outputs: [], nodes: [])
    assertThrows("graph 'g': input 'x' has invalid shape [-1, 4]") { try g.verify() }
  }
}
