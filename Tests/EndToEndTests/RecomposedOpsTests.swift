import Foundation
import TTIR
import TTPasses
import TinyTorch
import XCTest

/// A model that writes layer norm, both GELU forms and softmax out of small ops (as ONNX imports
/// have them): eager, interpreted and compiled agree at `-O0`, and `-O2`'s `recompose-ops` turns
/// them into the single ops with the same outputs in both engines.
final class RecomposedOpsTests: XCTestCase {
  final class HandWritten: Module {
    let expand = Linear(8, 17, seed: 1)
    let contract = Linear(17, 5, seed: 2)
    let gamma = Tensor.uniform([17], low: 0.5, high: 1.5, seed: 3)
    let beta = Tensor.uniform([17], low: -0.5, high: 0.5, seed: 4)

    override func forward(_ x: Tensor) throws -> Tensor {
      let h = try expand(x)
      let centered = try h - h.mean(axis: -1, keepDims: true)
      let variance = try (centered ** 2).mean(axis: -1, keepDims: true)
      let normalized = try (try centered / (variance + 1e-5).sqrt()) * gamma + beta
      let erfGELU = try 0.5 * normalized * (1 + (normalized / 1.4142135).erf())
      let cube = try erfGELU * erfGELU * erfGELU
      let tanhGELU = try 0.5 * erfGELU * (1 + (0.7978846 * (try erfGELU + 0.044715 * cube)).tanh())
      let logits = try contract(tanhGELU)
      let exponentials = try (logits - logits.max(axis: -1, keepDims: true)).exp()
      return try exponentials / exponentials.sum(axis: -1, keepDims: true)
    }
  }

  func testSmallOpsBecomeSingleOpsWithTheSameOutputsEverywhere() throws {
    let directory = try makeTemporaryDirectory()
    defer { removeDirectory(directory) }
    let model = HandWritten()
    let input = Tensor.uniform([3, 8], low: -2, high: 2, seed: 5)
    let graph = try exportAndReload(model, example: input, name: "hand-written", in: directory)
    XCTAssertFalse(graph.nodes.contains { [.layerNorm, .gelu, .softmax].contains($0.op) })
    // Eager vs interpreter vs compiled at -O0, then -O2 in both engines against -O0.
    try assertEagerInterpretedAndCompiledAgree(
      model, input: input, graph: graph, cache: directory.appendingPathComponent("cache"))

    let optimized = try PassManager(pipeline: .level(.O2)).run(graph).graph
    XCTAssertEqual(optimized.nodes.map(\.op), [.linear, .layerNorm, .fusedElementwise, .linear, .softmax])
    XCTAssertEqual(optimized.nodes[2].string("program"), "gelu x0; gelu t0 approximate=tanh")
  }
}
