import Foundation
import TTIR
import TTONNX
import XCTest

@testable import TTFuzzing

/// ONNX files the `onnx` fuzz target found crashing the importer (`Findings/onnx`, as libFuzzer
/// wrote them), each now refused with one line or imported as a valid graph.
final class ONNXFuzzFindingsTests: XCTestCase {
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Findings/onnx")

  /// Each refused finding and a part of its error.
  static let expectedErrors = [
    // Concat of a rank-1 and a rank-0 input: the check for empty parts read a missing axis.
    "concat-mismatched-ranks.onnx":
      "node 'output' (Concat, opset 13): cannot concatenate f32[2] and f32[] along axis 0"
  ]

  /// Each imported finding and the op its graph must contain.
  static let expectedImports: [String: Op] = [
    // MaxPool on an INT8 input: its −∞ padding was converted to an integer, which trapped; it was
    // refused while max_pool2d took only floats, and imports since max_pool2d takes i8 (ONNX
    // MaxPool allows INT8; the maximum of the integers either way).
    "maxpool-int8-padding.onnx": .maxPool2d
  ]

  func testEveryFindingIsImportedOrRefusedWithOneLine() throws {
    let files = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).sorted()
    XCTAssertEqual(
      files, (Array(Self.expectedErrors.keys) + Self.expectedImports.keys).sorted(),
      "every finding has an expected outcome")
    for (file, op) in Self.expectedImports {
      let bytes = try Data(contentsOf: Self.folder.appendingPathComponent(file))
      XCTAssertTrue(FuzzTarget.onnx.run([UInt8](bytes)), file)
      let graph = try ONNXImporter(options: .init(batchSize: 1)).importModel(
        data: bytes, directory: nil, name: "fuzz")
      XCTAssertTrue(graph.nodes.contains { $0.op == op }, "\(file): \(graph.nodes.map(\.op))")
    }
    for file in Self.expectedErrors.keys.sorted() {
      let bytes = try Data(contentsOf: Self.folder.appendingPathComponent(file))
      XCTAssertFalse(FuzzTarget.onnx.run([UInt8](bytes)), file)
      XCTAssertThrowsError(
        try ONNXImporter(options: .init(batchSize: 1)).importModel(data: bytes, directory: nil, name: "fuzz")
      ) { error in
        XCTAssertTrue("\(error)".contains(Self.expectedErrors[file]!), "\(file): \(error)")
        XCTAssertFalse("\(error)".contains("\n"), "\(file): one line")
      }
    }
  }
}
