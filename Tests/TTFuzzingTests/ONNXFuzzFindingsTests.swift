import Foundation
import TTONNX
import XCTest

@testable import TTFuzzing

/// ONNX files the `onnx` fuzz target found crashing the importer (`Findings/onnx`, as libFuzzer
/// wrote them), each now refused with one line.
final class ONNXFuzzFindingsTests: XCTestCase {
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Findings/onnx")

  /// Each finding and a part of its error.
  static let expectedErrors = [
    // MaxPool on an INT8 input: its −∞ padding was converted to an integer, which trapped.
    "maxpool-int8-padding.onnx":
      "node 'y' (MaxPool, opset 22): lowered to max_pool2d: x must be f32 or f16, got i8",
    // Concat of a rank-1 and a rank-0 input: the check for empty parts read a missing axis.
    "concat-mismatched-ranks.onnx":
      "node 'output' (Concat, opset 13): cannot concatenate f32[2] and f32[] along axis 0",
  ]

  func testEveryFindingIsRefusedWithOneLine() throws {
    let files = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).sorted()
    XCTAssertEqual(files, Self.expectedErrors.keys.sorted(), "every finding has an expected error")
    for file in files {
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
