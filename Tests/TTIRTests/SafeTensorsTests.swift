import Foundation
import XCTest

@testable import TTIR

final class SafeTensorsTests: XCTestCase {
  /// The tensors make_fixtures.py writes to mixed.safetensors.
  private var expected: [String: TensorData] {
    [
      "fc.weight": TensorData([0.5, -1.25, 3.0, 1e-3, -0.0, 65504.0], shape: [2, 3]),
      "fc.bias": TensorData([0.1, -0.2, 0.3], shape: [3]),
      "half": TensorData(halves: [1.0, -2.5, 0.0009765625, 65504.0], shape: [4]),
      "codes": TensorData(int8s: [-128, -1, 0, 1, 127], shape: [5]),
      "counts": TensorData(int32s: [1, -2, 2_147_483_647, -2_147_483_648], shape: [2, 2]),
      "ids": TensorData(int64s: [0, -1, 9_007_199_254_740_993], shape: [3]),
      "scalar": TensorData([2.5], shape: []),
      "empty": TensorData([], shape: [0, 3]),
      "Zed": TensorData([7.0], shape: [1]),
    ]
  }

  func testReadsPythonFixtureExactly() throws {
    let file = try SafeTensors(contentsOf: try fixtureURL("mixed.safetensors"))
    XCTAssertEqual(file.metadata, ["format": "np"])
    XCTAssertEqual(Set(file.tensors.keys), Set(expected.keys))
    for (name, tensor) in expected {
      XCTAssertEqual(file.tensors[name], tensor, name)
    }
    XCTAssertEqual(file.tensors["fc.weight"]?.floats()[4].sign, .minus, "-0.0 survives")
  }

  func testWriterReproducesPythonBytes() throws {
    let pythonBytes = [UInt8](try Data(contentsOf: try fixtureURL("mixed.safetensors")))
    let ours = SafeTensors(tensors: expected, metadata: ["format": "np"]).encoded()
    XCTAssertEqual(ours.count, pythonBytes.count)
    XCTAssertEqual(ours, pythonBytes)
  }

  func testReadsF64AsF32() throws {
    let file = try SafeTensors(contentsOf: try fixtureURL("f64.safetensors"))
    XCTAssertEqual(file.tensors["x"]?.type, t(.f32, 3))
    XCTAssertEqual(file.tensors["x"]?.floats(), [0.1, -2.0, .infinity])
  }

  func testRoundTripAndPadding() throws {
    let file = SafeTensors(tensors: [
      "a": TensorData([1, 2, 3], shape: [3]), "b/c": TensorData(int64s: [4], shape: []),
    ])
    let bytes = file.encoded()
    let headerLength = Int(bytes[0]) | Int(bytes[1]) << 8
    XCTAssertEqual((8 + headerLength) % 8, 0, "data starts 8-byte aligned")
    XCTAssertEqual(try SafeTensors(bytes: bytes), file)
    XCTAssertEqual(
      SafeTensors(tensors: [:]).encoded(), [8, 0, 0, 0, 0, 0, 0, 0] + Array("{}      ".utf8))
  }

  func testWrittenFileReadsInPython() throws {
    guard SchemaValidator.isAvailable else { throw XCTSkip("python3 not available") }
    let directory = try temporaryDirectory(for: self)
    let url = directory.appendingPathComponent("ours.safetensors")
    try SafeTensors(tensors: expected, metadata: ["format": "np"]).write(to: url)
    let script = """
      import sys
      from safetensors.numpy import load_file
      t = load_file(sys.argv[1])
      assert t["ids"].tolist() == [0, -1, 9007199254740993], t["ids"]
      assert t["half"].dtype.name == "float16" and t["half"].tolist() == [1.0, -2.5, 0.0009765625, 65504.0]
      assert t["fc.weight"].shape == (2, 3) and t["empty"].shape == (0, 3) and t["scalar"].shape == ()
      print("ok")
      """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script, url.path]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    if output.contains("No module named 'safetensors'") {
      throw XCTSkip("safetensors not installed")
    }
    XCTAssertEqual(process.terminationStatus, 0, output)
  }

  // MARK: Malformed files

  /// Builds a file from a header string and a data section.
  private func file(header: String, data: [UInt8] = []) -> [UInt8] {
    let headerBytes = Array(header.utf8)
    return withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian, Array.init) + headerBytes
      + data
  }

  func testRejectsMalformedFiles() throws {
    let valid = SafeTensors(tensors: ["w": TensorData([1, 2], shape: [2])]).encoded()
    let cases: [([UInt8], String)] = [
      ([1, 2, 3], "file is 3 bytes, too short for the 8-byte header length"),
      (Array(valid.dropLast(1)), "data_offsets [0, 8] exceed the 7-byte data section (truncated?)"),
      (Array(valid.prefix(20)), "header length 56 exceeds the 12 bytes after it"),
      (
        [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0],
        "header length 18446744073709551615 exceeds"
      ),
      (file(header: "[1]"), "header does not start with '{'"),
      (file(header: "{\"w\": "), "header is not valid JSON: invalid JSON at line 1, column 7"),
      (
        file(header: #"{"w":{"dtype":"U16","shape":[1],"data_offsets":[0,2]}}"#, data: [0, 0]),
        "tensor 'w': unsupported dtype U16"
      ),
      (
        file(
          header: #"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#,
          data: Array(repeating: 0, count: 8)),
        "tensor 'w': F32 [3] needs 12 bytes but data_offsets [0, 8] span 8"
      ),
      (
        file(
          header: #"{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]),
        "tensor 'w': 'shape' must be an array of non-negative integers"
      ),
      (
        file(
          header: #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}"#, data: [0, 0, 0, 0]),
        "'data_offsets' must be [begin, end]"
      ),
      (
        file(
          header:
            #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
          data: Array(repeating: 0, count: 8)), "tensors 'a' and 'b' overlap"
      ),
      (
        file(
          header: #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
          data: Array(repeating: 0, count: 8)),
        "gap before tensor 'w'"
      ),
      (
        file(header: #"{"w":{"dtype":"I8","shape":[1],"data_offsets":[0,1]}}"#, data: [0, 0]),
        "1 bytes after the last tensor are not described by the header"
      ),
      (
        file(header: #"{"__metadata__":{"k":1}}"#),
        "__metadata__ value for 'k' is a number, not a string"
      ),
      (file(header: #"{"w":[]}"#), "tensor 'w': entry is an array, not an object"),
    ]
    for (bytes, fragment) in cases {
      assertThrows("safetensors: ", fragment) { _ = try SafeTensors(bytes: bytes) }
    }
  }

  /// `write(to:)` streams the header and each tensor's bytes: the file is `encoded()` exactly, it
  /// replaces an existing file, and no temporary file stays behind, on success or failure.
  func testWrittenFileIsTheEncodingAndLeavesNoTemporaryFile() throws {
    let directory = try temporaryDirectory(for: self)
    let url = directory.appendingPathComponent("w.safetensors")
    try Data("old".utf8).write(to: url)
    let file = SafeTensors(tensors: expected, metadata: ["format": "np"])
    try file.write(to: url)
    XCTAssertEqual([UInt8](try Data(contentsOf: url)), file.encoded())
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["w.safetensors"])
    assertThrows(
      "safetensors '\(directory.path)/none/w.safetensors': cannot write file (No such file or directory)"
    ) {
      try file.write(to: directory.appendingPathComponent("none/w.safetensors"))
    }
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["w.safetensors"])
  }

  func testErrorsNameTheFile() throws {
    let directory = try temporaryDirectory(for: self)
    let url = directory.appendingPathComponent("bad.safetensors")
    try Data([1, 2, 3]).write(to: url)
    assertThrows("safetensors '\(url.path)': file is 3 bytes") {
      _ = try SafeTensors(contentsOf: url)
    }
    assertThrows("safetensors '\(directory.path)/missing.safetensors': cannot read file") {
      _ = try SafeTensors(contentsOf: directory.appendingPathComponent("missing.safetensors"))
    }
  }
}
