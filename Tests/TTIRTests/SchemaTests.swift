import Foundation
import XCTest

@testable import TTIR

/// Checks docs/model.schema.json itself: it matches the op list and rejects broken models.
final class SchemaTests: XCTestCase {
  private func schema() throws -> JSON {
    try JSONParser.parse([UInt8](try Data(contentsOf: SchemaValidator.schemaURL)))
  }

  func testOpEnumMatchesOp() throws {
    guard case .array(let names)? = try schema()["$defs"]?["op"]?["enum"] else {
      return XCTFail("no op enum")
    }
    XCTAssertEqual(names, Op.allCases.map { JSON.string($0.rawValue) })
  }

  func testDTypeEnumMatchesDType() throws {
    guard case .array(let names)? = try schema()["$defs"]?["dtype"]?["enum"] else {
      return XCTFail("no dtype enum")
    }
    XCTAssertEqual(names, DType.allCases.map { JSON.string($0.rawValue) })
  }

  func testSchemaRejectsBrokenModels() throws {
    guard SchemaValidator.isAvailable else {
      throw XCTSkip("python3 with jsonschema is not available")
    }
    let directory = try temporaryDirectory(for: self)
    let url = directory.appendingPathComponent("ok.json")
    try saveValidated(try TestModels.cnn(), to: url)
    let valid = String(decoding: try Data(contentsOf: url), as: UTF8.self)
    let mutations: [(String, String)] = [
      ("\"ttc-model\"", "\"onnx\""),
      ("\"version\": 1", "\"version\": 2"),
      ("\"op\": \"gelu\"", "\"op\": \"swish\""),
      ("\"op\": \"flatten\"", "\"op\": \"reshape\""),  // reshape requires attrs.shape
      ("\"dtype\": \"f32\"", "\"dtype\": \"float32\""),
      ("\"attrs\"", "\"attributes\""),
      ("\"file\": \"ok.safetensors\"", "\"file\": \"/abs/ok.safetensors\""),
    ]
    var broken: [URL] = []
    for (index, (old, new)) in mutations.enumerated() {
      XCTAssertTrue(valid.contains(old), "fixture lacks \(old)")
      let file = directory.appendingPathComponent("broken\(index).json")
      try Data(valid.replacingOccurrences(of: old, with: new).utf8).write(to: file)
      broken.append(file)
    }
    let report = try XCTUnwrap(try SchemaValidator.failures(broken))
    for (file, mutation) in zip(broken, mutations) {
      XCTAssertTrue(
        report.contains(file.path + ": "), "schema accepted \(mutation.0) → \(mutation.1)")
    }
  }
}
