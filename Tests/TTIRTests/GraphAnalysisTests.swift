import XCTest

@testable import TTIR

final class GraphAnalysisTests: XCTestCase {
  func testMLPCountsMatchHandCount() throws {
    let analysis = try makeMLP().analysis()
    // fc1: 2·1·64·128 + 128 (bias); relu: 128; fc2: 2·1·128·10 + 10; softmax: 5·10.
    XCTAssertEqual(analysis.nodes.map(\.flops), [16_512, 128, 2_570, 50])
    XCTAssertEqual(analysis.totalFLOPs, 19_260)
    XCTAssertEqual(analysis.parameterCount, 64 * 128 + 128 + 128 * 10 + 10)
    XCTAssertEqual(analysis.parameterBytes, 4 * 9_610)
    XCTAssertEqual(analysis.nodes[0].bytesRead, 4 * (64 + 64 * 128 + 128))
    XCTAssertEqual(analysis.nodes[0].bytesWritten, 4 * 128)
    XCTAssertEqual(analysis.nodes[3].outputType, t(.f32, 1, 10))
    // Live intermediates: [fc1], [fc1, act1], [act1, fc2], [fc2, probs].
    XCTAssertEqual(analysis.liveBytes, [512, 1_024, 552, 80])
    XCTAssertEqual(analysis.peakIntermediateBytes, 1_024)
    XCTAssertEqual(analysis.peakNodeIndex, 1)
    XCTAssertEqual(try makeMLP(batch: 4).analysis().totalFLOPs, 4 * 19_260)
  }

  func testConvMatmulAndAttentionRules() throws {
    let cnn = try TestModels.cnn().analysis()
    XCTAssertEqual(cnn.nodes[0].name, "conv")
    XCTAssertEqual(cnn.nodes[0].flops, 2 * 2 * 4 * 8 * 8 * 3 * 3 * 3 + 2 * 4 * 8 * 8)
    XCTAssertEqual(cnn.nodes[3].flops, 2 * 4 * 4 * 4 * 2 * 2, "max pool: one per window element")
    XCTAssertEqual(cnn.nodes[5].flops, 0, "flatten moves no data arithmetic")

    var b = GraphBuilder(name: "mm")
    let a = b.input("a", .f32, [4, 2, 3])
    let w = b.input("w", .f32, [3, 5])
    b.output(b.add(.matmul, [a, w]))
    XCTAssertEqual(try b.build().analysis().totalFLOPs, 2 * 4 * 2 * 5 * 3)

    let attention = try TestModels.attention().analysis()
    let sdpa = try XCTUnwrap(attention.nodes.first { $0.op == .scaledDotProductAttention })
    let scores = 1 * 2 * 6 * 6
    XCTAssertEqual(sdpa.flops, 2 * scores * 4 + 2 * scores * 4 + 6 * scores)
    XCTAssertEqual(attention.nodes.first { $0.op == .gather }?.flops, 0)
  }

  func testDeadValuesAndWeightlessGraphs() throws {
    var b = GraphBuilder(name: "dead")
    let x = b.input("x", .f32, [256])
    b.add(.exp, [x], name: "unused")
    b.output(b.add(.neg, [x], name: "used"))
    let analysis = try b.build().analysis()
    XCTAssertEqual(
      analysis.liveBytes, [1_024, 1_024], "a dead value is freed right after its step")
    XCTAssertEqual(analysis.parameterCount, 0)
    let empty = try Graph(
      name: "e", inputs: [ValueInfo("x", .f32, [1])], outputs: [ValueInfo("x", .f32, [1])],
      nodes: []
    )
    .analysis()
    XCTAssertEqual(empty.peakIntermediateBytes, 0)
    XCTAssertNil(empty.peakNodeIndex)
  }

  func testDotExport() throws {
    let dot = try makeMLP().dot()
    XCTAssertTrue(dot.hasPrefix("digraph \"mlp\" {\n"))
    XCTAssertTrue(dot.hasSuffix("}\n"))
    XCTAssertTrue(
      dot.contains(
        #"in0 [shape=invhouse, style=filled, fillcolor=lightblue, label="x\nf32[1, 64]"];"#))
    XCTAssertTrue(
      dot.contains(
        #"[shape=note, style=filled, fillcolor=lightyellow, label="fc1.weight\nf32[64, 128]"];"#))
    XCTAssertTrue(
      dot.contains(#"n0 [shape=box, style=rounded, label="fc1\nlinear\nf32[1, 128]"];"#))
    XCTAssertTrue(
      dot.contains(
        #"out0 [shape=house, style=filled, fillcolor=lightgreen, label="probs\nf32[1, 10]"];"#))
    XCTAssertTrue(dot.contains("in0 -> n0;"))
    XCTAssertTrue(dot.contains("n3 -> out0;"))
    let edges = dot.split(separator: "\n").filter { $0.contains(" -> ") }
    XCTAssertEqual(
      edges.count, 3 + 1 + 3 + 1 + 1, "fc1: 3 inputs, relu 1, fc2 3, softmax 1, output 1")
    XCTAssertEqual(GraphvizExporter.quote("a\"b\\c\nd"), #""a\"b\\c\nd""#)
  }

  func testDotOfInvalidGraphStillRenders() {
    let graph = Graph(
      name: "broken", inputs: [ValueInfo("x", .f32, [2])], outputs: [],
      nodes: [Node(name: "mm", op: .matmul, inputs: ["x", "x"], outputs: ["y"])])
    XCTAssertTrue(graph.dot().contains(#"label="mm\nmatmul"]"#))
  }
}
