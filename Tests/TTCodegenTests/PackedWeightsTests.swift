import Foundation
import TTCodegen
import TTIR
import TTInterpreter
import TTLoader
import TTPasses
import TTRuntime
import TestSupport
import XCTest

/// Weights of `linear`/`matmul` marked `pack_weight` (pass `pack-weights`) are embedded pre-packed
/// for the library's GEMM path and multiplied by `tt_sgemm_packed_b`: the outputs are bitwise those
/// of the same library without packing.
final class PackedWeightsTests: XCTestCase {
  var cache = ""
  override func setUpWithError() throws { cache = try makeTemporaryDirectory("ttc-test-cache").path }
  override func tearDown() { removeDirectory(URL(fileURLWithPath: cache)) }

  /// x → linear(w1, b1) → relu → matmul(w2) → linear(shared), with `shared` also read by a `neg`
  /// (so it stays listed and unpacked in the blob too).
  func graph(rows: Int) throws -> Graph {
    var b = GraphBuilder(name: "packed")
    let x = b.input("x", .f32, [rows, 33])
    let w1 = b.weight("w1", TensorData(randomFloats(33 * 65, seed: 1), shape: [33, 65]))
    let b1 = b.weight("b1", TensorData(randomFloats(65, seed: 2), shape: [65]))
    let w2 = b.weight("w2", TensorData(randomFloats(65 * 17, seed: 3), shape: [65, 17]))
    let shared = b.weight("shared", TensorData(randomFloats(17 * 17, seed: 4), shape: [17, 17]))
    let h = b.add(.relu, [b.add(.linear, [x, w1, b1], name: "fc1")], name: "relu")
    let g = b.add(.matmul, [h, w2], name: "mm")
    b.output(b.add(.linear, [g, shared], name: "fc2"))
    b.output(b.add(.neg, [shared], name: "negated"))
    return try b.build()
  }

  func testPackedLibraryIsBitwiseTheUnpackedOne() throws {
    for rows in [1, 64] {  // the few-row and the blocked path
      let plain = try graph(rows: rows)
      let packed = try PackWeights().applied(to: plain)
      let output = try CEmitter.emit(packed, graphHash: packed.contentHash, packingPath: tt_best_isa())
      XCTAssertEqual(output.source.text.components(separatedBy: "tt_sgemm_packed_b(").count - 1, 3)
      XCTAssertEqual(
        output.weights.entries.map(\.name), ["b1", "shared"], "only-packed weights are not listed")
      XCTAssertEqual(Set(output.weights.packedF32.keys), ["w1", "w2", "shared"])
      let x = randomFloats(rows * 33, seed: 5)
      let expected = try compileAndRun(plain, [x], cache: cache)
      let artifact = try ModelCompiler.compile(packed, options: CompileOptions(cacheDirectory: cache))
      let model = try CompiledModel(path: artifact.libraryPath, expecting: artifact.graphHash)
      XCTAssertEqual(model.weights.map(\.info.name), ["b1", "shared"])
      let actual = try model.run([x])
      XCTAssertEqual(
        actual.map { $0.map(\.bitPattern) }, expected.map { $0.map(\.bitPattern) }, "rows \(rows)")
    }
  }

  /// External weights are the caller's, in their own layout: nothing is packed; nor without a path.
  func testExternalWeightsAndUnknownPathsStayUnpacked() throws {
    let packed = try PackWeights().applied(to: try graph(rows: 3))
    let external = try CEmitter.emit(
      packed, graphHash: packed.contentHash, weights: .external, packingPath: tt_best_isa())
    let unknown = try CEmitter.emit(packed, graphHash: packed.contentHash, packingPath: nil)
    for output in [external, unknown] {
      XCTAssertFalse(output.source.text.contains("tt_sgemm_packed_b("))
      XCTAssertEqual(output.weights.entries.map(\.name), ["b1", "shared", "w1", "w2"])
    }
  }

  /// Which weight is packed is one decision (`Graph.packedF32Weight(of:)`, used by the pass, the
  /// interpreter and the emitter): an empty weight matrix marked `pack_weight` by hand is packed by
  /// no engine, and the compiled product is the bias.
  func testEmptyWeightMarkedPackWeightIsNotPacked() throws {
    var b = GraphBuilder(name: "empty")
    let x = b.input("x", .f32, [3, 0])
    let w = b.weight("w", TensorData([], shape: [0, 5]))
    let bias = b.weight("bias", TensorData(randomFloats(5, seed: 1), shape: [5]))
    let fc = b.add(.linear, [x, w, bias], attributes: ["pack_weight": .bool(true)], name: "fc")
    b.output(fc)
    let graph = try b.build()
    XCTAssertNil(graph.packedF32Weight(of: graph.nodes[0]))
    XCTAssertEqual(try PackWeights().applied(to: graph).nodes, graph.nodes, "the pass marks nothing new")
    let output = try CEmitter.emit(graph, graphHash: graph.contentHash, packingPath: tt_best_isa())
    XCTAssertFalse(output.source.text.contains("tt_sgemm_packed_b("))
    XCTAssertTrue(output.weights.packedF32.isEmpty)
    let y = try compileAndRun(graph, [[]], cache: cache)
    XCTAssertEqual(y, [Array(repeating: graph.weights["bias"]!.floats(), count: 3).flatMap { $0 }])
  }

  /// Convolution weights are embedded packed for their geometry (`tt_conv2d_pack_isa`) whatever the
  /// passes marked, once per weight and geometry, and run by `tt_conv2d_packed`: vectors of pixels,
  /// vectors of channels and im2col shapes, a weight read by two convolutions of different geometry
  /// (packed twice, listed nowhere), one also returned as an output (listed as it is). The compiled
  /// outputs match the interpreter's (which packs the same forms when it plans the graph); external
  /// weights stay unpacked.
  func testConvolutionWeightsArePackedPerGeometry() throws {
    var b = GraphBuilder(name: "convs")
    let x = b.input("x", .f32, [1, 6, 14, 14])
    let w1 = b.weight("w1", TensorData(randomFloats(16 * 6 * 25, seed: 1), shape: [16, 6, 5, 5]))
    let w2 = b.weight("w2", TensorData(randomFloats(6 * 6 * 9, seed: 2), shape: [6, 6, 3, 3]))
    let w3 = b.weight("w3", TensorData(randomFloats(8 * 6 * 9, seed: 3), shape: [8, 6, 3, 3]))
    b.output(b.add(.conv2d, [x, w1], attributes: ["epilogue": "relu x0"], name: "channels"))
    let same = b.add(.conv2d, [x, w2], attributes: ["padding": [1, 1]], name: "pixels")
    b.output(b.add(.conv2d, [same, w2], attributes: ["stride": [2, 2]], name: "strided"))
    b.output(b.add(.conv2d, [x, w3], attributes: ["stride": [2, 2]], name: "im2col"))
    b.output(w3)
    let graph = try b.build()
    let output = try CEmitter.emit(graph, graphHash: graph.contentHash, packingPath: tt_best_isa())
    XCTAssertEqual(output.source.text.components(separatedBy: "tt_conv2d_packed(").count - 1, 4)
    XCTAssertFalse(output.source.text.contains("tt_conv2d("))
    XCTAssertEqual(output.weights.packedConvolution.keys.map(\.weight).sorted(), ["w1", "w2", "w2", "w3"])
    XCTAssertEqual(output.weights.entries.map(\.name), ["w3"], "only-packed weights are not listed")
    let input = randomFloats(6 * 14 * 14, seed: 4)
    let compiled = try compileAndRun(graph, [input], cache: cache)
    let interpreted = try Interpreter(graph: graph).run(
      ["x": InterpreterTensor(TensorData(input, shape: [1, 6, 14, 14]))])
    for (index, value) in graph.outputs.enumerated() {
      assertClose(
        compiled[index], interpreted[value.name]!.floats(), value.name, tolerance: Tolerance.compiled)
    }
    let external = try CEmitter.emit(
      graph, graphHash: graph.contentHash, weights: .external, packingPath: tt_best_isa())
    XCTAssertFalse(external.source.text.contains("tt_conv2d_packed("))
    XCTAssertTrue(external.weights.packedConvolution.isEmpty)
  }
}
