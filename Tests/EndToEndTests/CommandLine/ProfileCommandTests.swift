import Foundation
import TTIR
import XCTest

/// `ttc profile --engine compiled`, `ttc peak --isa` and `ttc graph --profile`.
final class ProfileCommandTests: CommandLineTestCase {
  func testCompiledEngineIsTimedPerNodeWithARooflineAndATrace() throws {
    try saveDigitsMLP()
    let result = try ttc(
      ["profile", "mlp.json", "-O0", "--engine", "compiled", "--runs", "3", "--trace", "compiled.json"],
      in: directory)
    XCTAssertEqual(result.status, 0, result.stderr)
    for node in ["fc1", "act1", "fc2"] { XCTAssertTrue(result.stdout.contains(" \(node) "), result.stdout) }
    XCTAssertTrue(result.stdout.contains("engine: compiled, runs: 3 (after 1 warm-up)"), result.stdout)
    XCTAssertTrue(result.stdout.contains("(arena plan)"), result.stdout)
    XCTAssertTrue(result.stdout.contains("roofline: fp32 peak "), result.stdout)
    XCTAssertTrue(result.stdout.contains("9610 parameters"), result.stdout)  // 64·128 + 128 + 128·10 + 10
    let trace =
      try JSONSerialization.jsonObject(with: Data(contentsOf: url("compiled.json"))) as? [String: Any]
    let events = try XCTUnwrap(trace?["traceEvents"] as? [[String: Any]])
    XCTAssertEqual(events.count, 3 * 3)
    XCTAssertEqual(events.prefix(3).compactMap { $0["name"] as? String }, ["fc1", "act1", "fc2"])
  }

  func testEagerEngineRunsAModelFileNodeByNode() throws {
    try saveDigitsMLP(batch: 4)
    let result = try ttc(
      ["profile", "mlp.json", "--engine", "eager", "--runs", "2", "--trace", "eager.json", "--no-roofline"],
      in: directory)
    XCTAssertEqual(result.status, 0, result.stderr)
    for node in ["fc1", "act1", "fc2"] { XCTAssertTrue(result.stdout.contains(" \(node) "), result.stdout) }
    XCTAssertTrue(result.stdout.contains("engine: eager, runs: 2"), result.stdout)
    XCTAssertTrue(result.stdout.contains("(measured allocations"), result.stdout)
    let trace = try JSONSerialization.jsonObject(with: Data(contentsOf: url("eager.json"))) as? [String: Any]
    XCTAssertEqual((trace?["traceEvents"] as? [[String: Any]])?.count, 2 * 3)
  }

  func testAFailingModelNamesTheNode() throws {
    var builder = GraphBuilder(name: "embed")
    let ids = builder.input("ids", .f32, [3])
    let table = builder.weight("table", TensorData((0..<12).map(Float.init), shape: [4, 3]))
    builder.output(builder.add(.gather, [table, ids], name: "lookup"))
    try ModelFile.save(try builder.build(), to: url("embed.json"))
    try writeNumpy([0, 7, 1], shape: [3], to: "ids.npy")
    for engine in ["interpreter", "compiled", "eager"] {
      let result = try ttc(
        ["profile", "embed.json", "--input", "ids.npy", "--engine", engine, "--no-roofline"], in: directory)
      XCTAssertEqual(result.status, 1, engine)
      XCTAssertTrue(
        result.stderr.hasPrefix("error: embed.json: \(engine): node 'lookup' (gather) threw: "), result.stderr
      )
    }
  }

  func testPeakOnThePortablePathStillGivesAFigure() throws {
    let result = try ttc(["peak", "--isa", "portable", "--seconds", "0.1", "--json"], in: directory)
    XCTAssertEqual(result.status, 0, result.stderr)
    let peak = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    XCTAssertEqual(peak?["path"] as? String, "portable")
    XCTAssertGreaterThan((peak?["fp32_gflops"] as? NSNumber)?.doubleValue ?? 0, 0)
    XCTAssertGreaterThan((peak?["read_gb_per_s"] as? NSNumber)?.doubleValue ?? 0, 0)
    let again = try ttc(["peak", "--isa", "portable"], in: directory)
    XCTAssertTrue(again.stdout.contains("cached "), again.stdout)
    XCTAssertNotEqual(try ttc(["peak", "--isa", "sse"], in: directory).status, 0)
  }

  func testGraphProfileColoursNodesByTimeShare() throws {
    try saveDigitsMLP(batch: 16)
    let result = try ttc(["graph", "mlp.json", "--profile", "--runs", "3"], in: directory)
    XCTAssertEqual(result.status, 0, result.stderr)
    let nodeLines = result.stdout.split(separator: "\n").filter { $0.contains("shape=box") }
    XCTAssertEqual(nodeLines.count, 3)
    XCTAssertTrue(nodeLines.allSatisfy { $0.contains("fillcolor=\"0.000 ") && $0.contains("% of time") })
    // The largest share is fully saturated.
    XCTAssertTrue(nodeLines.contains { $0.contains("fillcolor=\"0.000 1.000 1.000\"") }, result.stdout)
    XCTAssertNotEqual(
      try ttc(["graph", "mlp.json", "--profile", "--format", "text"], in: directory).status, 0)
  }
}
