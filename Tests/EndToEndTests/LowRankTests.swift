import Foundation
import MilestoneSupport
import TTIR
import TTPasses
import TinyTorch
import XCTest

/// Low-rank factorization end to end: the digits MLP factored eagerly runs the same as its
/// traced graph after the `low-rank` pass, interpreted and compiled.
final class LowRankTests: XCTestCase {
  func testFactoredDigitsMLPAgreesEagerInterpretedAndCompiled() throws {
    let directory = try makeTemporaryDirectory()
    defer { removeDirectory(directory) }
    let model = DigitMLP(seed: 3)
    let input = Tensor.uniform([5, 64], low: 0, high: 1, seed: 6)
    let graph = try LowRankFactorize(energy: 0.6).applied(
      to: try exportAndReload(model, example: input, name: "digits-mlp", in: directory))
    // 64 × 128 keeps rank ≤ 42 and 128 × 10 rank ≤ 9 at 60% of the energy of random weights.
    XCTAssertEqual(graph.nodes.map(\.op), [.linear, .linear, .relu, .linear, .linear])
    let hidden = try XCTUnwrap(try model.hidden.lowRankFactorized(energy: 0.6))
    let output = try XCTUnwrap(try model.output.lowRankFactorized(energy: 0.6))
    let eager = Sequential(hidden, ReLU(), output)
    try assertEagerInterpretedAndCompiledAgree(
      eager, input: input, graph: graph, cache: directory.appendingPathComponent("cache"))
  }
}
