import Foundation
import TTIR
import TTInterpreter
import TestSupport
import XCTest

@testable import TTFuzzing

/// Inputs the fuzzers found crashing a reader, each now refused with one line.
final class FuzzFindingsTests: XCTestCase {
  /// A `.npy` header declaring Int.max float64 elements: the size in the error message was
  /// computed as `count * 8` and trapped.
  func testNpyShapeWhoseByteCountOverflows() {
    var header = "{'descr': '<f8', 'fortran_order': False, 'shape': (9223372036854775807,), }"
    header += String(repeating: " ", count: 63 - (10 + header.utf8.count) % 64) + "\n"
    let bytes =
      [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count), 0] + Array(header.utf8)
      + [UInt8](repeating: 0, count: 16)
    XCTAssertThrowsError(try NumpyFile(data: Data(bytes))) {
      XCTAssertEqual(
        "\($0)",
        "data size mismatch: shape [9223372036854775807] of <f8 needs more than Int.max bytes, the file has 16"
      )
    }
    XCTAssertFalse(FuzzTarget.npy.run(bytes))
  }

  /// The graph fuzzer's first finding (seed 1, graph 36; kept in Findings/ as the corpus entry):
  /// `exp` → `sqrt` → `linear` of inputs up to 1e4. The compiled `exp` saturated at the largest
  /// float where the interpreter's overflows to inf, so the product was finite in one engine and
  /// NaN in the other. Now both overflow to inf (docs/IR.md, "NaN and overflow").
  func testGraphFuzzerFindingExpOverflowAgreesInBothEngines() throws {
    let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    let graph = try ModelFile.load(
      from: repository.appendingPathComponent("Findings/graph-exp-overflow.json"))
    var random = FuzzRandom(seed: 36)
    let drawn = GraphCampaign.input(graph.inputs[0].type, random: &random).floats()
    let values = [1e4, 100, 88.8, -1e4] + drawn.dropFirst(4)
    let inputs = ["x0": InterpreterTensor(Array(values), shape: graph.inputs[0].type.shape)]
    let expected = try Interpreter(graph: graph).run(inputs)
    XCTAssertEqual(Array(expected["log_2"]!.floats().prefix(3)), [.infinity, .infinity, .infinity])
    let cache = try makeTemporaryDirectory("ttc-fuzz-finding")
    defer { removeDirectory(cache) }
    let part = GraphCampaign.Part(graph: graph, inputs: inputs, expected: expected)
    for optimized in [false, true] {
      try GraphCampaign(cacheDirectory: cache.path).compareCompiled(
        [part], optimized: optimized, name: "finding")
    }
  }

  /// Every graph-fuzzer finding of the regression corpus (Findings/*.json with its inputs; what
  /// each was, in Findings/README.txt) agrees compiled at -O0 and -O2 with the interpreter, all
  /// compiled together as one library per level.
  func testEveryFixedGraphFindingAgreesInBothEngines() throws {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
      "Findings")
    let findings = try GraphFinding.all(in: folder)
    XCTAssertGreaterThanOrEqual(findings.count, 20)
    let cache = try makeTemporaryDirectory("ttc-fuzz-findings")
    defer { removeDirectory(cache) }
    for optimized in [false, true] {
      try GraphCampaign(cacheDirectory: cache.path).compare(
        findings.map(\.finding), optimized: optimized, name: "findings")
    }
  }

  /// Finding s1_5915: `mod` by a computed divisor at its wrap point, where each engine's rounding
  /// of the divisor picks a side. The comparison's slack moves remainders within 2⁻¹⁴·|dividend|
  /// of 0 or of the divisor to the other side, and leaves the others (and zero dividends) alone.
  func testModRemaindersAtTheirWrapPointMoveToTheOtherSide() throws {
    let dividends = TensorData([0.13, 0.13, 0.13, 0, -7, 5], shape: [6])
    let divisors = TensorData([-0.13 / 30, -0.13 / 30, -0.13 / 30, 2, 2, -2], shape: [6])
    let remainders: [Float] = [-9.6e-8, -0.0043328, -0.002, 0, 1, -1]
    let floored = try GraphCampaign.otherSideOfWrap(
      TensorData(remainders, shape: [6]), dividend: dividends, divisor: divisors, floored: true)
    let b = divisors.floats()[0]
    XCTAssertEqual(floored.floats(), [-9.6e-8 + b, -0.0043328 - b, -0.002, 0, 1, -1])
    // C's fmod: the remainder has the dividend's sign; -7 fmod 2 = -1 is not at its wrap point.
    let truncated = try GraphCampaign.otherSideOfWrap(
      TensorData([9.6e-8, -1, 2e-9], shape: [3]), dividend: TensorData([0.13, -7, -3], shape: [3]),
      divisor: TensorData([-0.13 / 30, 2, 3], shape: [3]), floored: false)
    XCTAssertEqual(truncated.floats(), [9.6e-8 + 0.13 / 30, -1, 2e-9 - 3])
  }

  /// The graph fuzzer's third finding (seed 1, graph 1083): `clamp` to [1e30, 1e30], then
  /// `log_softmax`. The compiled kernel subtracted `max + log(sum)`, which is `max` for a huge max,
  /// and gave 0 where the interpreter gives −log(17). Now it subtracts `max`, then `log(sum)`.
  func testGraphFuzzerFindingLogSoftmaxOfHugeValuesAgreesInBothEngines() throws {
    let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    let graph = try ModelFile.load(
      from: repository.appendingPathComponent("Findings/graph-log-softmax-of-huge-values.json"))
    var random = FuzzRandom(seed: 1083)
    let inputs = Dictionary(
      uniqueKeysWithValues: graph.inputs.map { ($0.name, GraphCampaign.input($0.type, random: &random)) })
    let expected = try Interpreter(graph: graph).run(inputs)
    XCTAssertEqual(expected["log_softmax_1"]!.floats()[0], -Float(Foundation.log(17.0)), accuracy: 1e-5)
    let cache = try makeTemporaryDirectory("ttc-fuzz-finding")
    defer { removeDirectory(cache) }
    let part = GraphCampaign.Part(graph: graph, inputs: inputs, expected: expected)
    try GraphCampaign(cacheDirectory: cache.path).compareCompiled([part], optimized: false, name: "finding")
  }
}
