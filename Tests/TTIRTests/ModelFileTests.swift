import Foundation
import XCTest

@testable import TTIR

final class ModelFileTests: XCTestCase {
  private var directory: URL!

  override func setUpWithError() throws {
    directory = try temporaryDirectory(for: self)
  }

  private func bytes(_ url: URL) throws -> [UInt8] { [UInt8](try Data(contentsOf: url)) }

  func testExternalRoundTripIsByteIdentical() throws {
    var saved: [URL] = []
    defer { XCTAssertNoThrow(try SchemaValidator.assertValid(saved)) }
    for graph in try TestModels.all() {
      let first = directory.appendingPathComponent("\(graph.name).json")
      try ModelFile.save(graph, to: first)
      saved.append(first)
      let loaded = try ModelFile.load(from: first)
      XCTAssertTrue(loaded == graph, "\(graph.name): loaded graph differs")
      let second = directory.appendingPathComponent("\(graph.name)-again.json")
      try ModelFile.save(loaded, to: second)
      saved.append(second)
      let firstText = String(decoding: try bytes(first), as: UTF8.self)
      let secondText = String(decoding: try bytes(second), as: UTF8.self)
      XCTAssertEqual(
        firstText.replacingOccurrences(
          of: "\(graph.name).safetensors", with: "\(graph.name)-again.safetensors"),
        secondText, graph.name)
      if !graph.weights.isEmpty {
        let same =
          try bytes(ModelFile.weightsURL(for: first)) == bytes(ModelFile.weightsURL(for: second))
        XCTAssertTrue(same, "\(graph.name): weights files differ")
      }
      // Saving over the same path again yields the same bytes.
      try ModelFile.save(loaded, to: first)
      XCTAssertEqual(String(decoding: try bytes(first), as: UTF8.self), firstText)
    }
  }

  func testInlineRoundTrip() throws {
    var saved: [URL] = []
    defer { XCTAssertNoThrow(try SchemaValidator.assertValid(saved)) }
    for graph in try TestModels.all() {
      let url = directory.appendingPathComponent("\(graph.name).inline.json")
      try ModelFile.save(graph, to: url, weights: .inline)
      saved.append(url)
      XCTAssertFalse(FileManager.default.fileExists(atPath: ModelFile.weightsURL(for: url).path))
      let loaded = try ModelFile.load(from: url)
      XCTAssertTrue(loaded == graph, "\(graph.name): loaded graph differs")
      let again = directory.appendingPathComponent("again.json")
      try ModelFile.save(loaded, to: again, weights: .inline)
      let same = try bytes(url) == bytes(again)
      XCTAssertTrue(same, "\(graph.name): inline files differ")
    }
  }

  func testReadableLayout() throws {
    var b = GraphBuilder(name: "tiny")
    let x = b.input("x", .f32, [1, 2])
    let w = b.weight("w", TensorData([0.5, -1], shape: [2, 1]))
    b.output(b.add(.linear, [x, w], name: "fc", output: "y"))
    let url = directory.appendingPathComponent("tiny.json")
    try saveValidated(try b.build(), to: url, weights: .inline)
    XCTAssertEqual(
      String(decoding: try bytes(url), as: UTF8.self),
      """
      {
        "format": "ttc-model",
        "version": 1,
        "name": "tiny",
        "inputs": [
          {"name": "x", "dtype": "f32", "shape": [1, 2]}
        ],
        "outputs": [
          {"name": "y", "dtype": "f32", "shape": [1, 1]}
        ],
        "nodes": [
          {"name": "fc", "op": "linear", "inputs": ["x", "w"], "outputs": ["y"]}
        ],
        "weights": {
          "inline": {
            "w": {"dtype": "f32", "shape": [2, 1], "data": "AAAAPwAAgL8="}
          }
        }
      }

      """)
    try saveValidated(try b.build(), to: url)
    let text = String(decoding: try bytes(url), as: UTF8.self)
    XCTAssertTrue(
      text.contains(
        """
          "weights": {
            "file": "tiny.safetensors",
            "tensors": [
              {"name": "w", "dtype": "f32", "shape": [2, 1]}
            ]
          }
        """), text)
  }

  func testFloatAttributesRoundTripExactly() throws {
    var b = GraphBuilder(name: "floats")
    let x = b.input("x", .f32, [4])
    let odd = 0.1 + 0.2
    let y = b.add(.leakyRelu, [x], attributes: ["alpha": .float(odd)], name: "a")
    b.output(b.add(.clamp, [y], attributes: ["min": .float(-1e-300), "max": 1], name: "c"))
    let url = directory.appendingPathComponent("floats.json")
    try saveValidated(try b.build(), to: url)
    let loaded = try ModelFile.load(from: url)
    XCTAssertEqual(loaded.nodes[0].float("alpha")?.bitPattern, odd.bitPattern)
    XCTAssertEqual(loaded.nodes[1].attributes["min"], .float(-1e-300))
    XCTAssertEqual(
      loaded.nodes[1].attributes["max"], .float(1), "ints become floats where the schema says float"
    )
  }

  // MARK: Save failures

  func testSaveRejectsInvalidGraphAndWritesNothing() throws {
    let url = directory.appendingPathComponent("bad.json")
    var graph = try makeMLP()
    graph.nodes[2].inputs[1] = "fc1.weight"
    assertThrows(
      "\(url.path): node 'fc2' (linear): input features 128 do not match weight [in, out] = [64, 128]"
    ) {
      try ModelFile.save(graph, to: url)
    }
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), [])
  }

  func testFailedSaveLeavesExistingFilesIntact() throws {
    let url = directory.appendingPathComponent("model.json")
    try ModelFile.save(try makeMLP(), to: url)
    let before = try bytes(url)
    var broken = try makeMLP()
    broken.outputs[0].type = t(.f32, 9)
    XCTAssertThrowsError(try ModelFile.save(broken, to: url))
    let unchanged = try bytes(url) == before
    XCTAssertTrue(unchanged, "model.json was modified by a failed save")
    let missingFolder = directory.appendingPathComponent("no/such/dir/model.json")
    assertThrows("\(missingFolder.path): cannot") {
      try ModelFile.save(try makeMLP(), to: missingFolder)
    }
    XCTAssertEqual(
      Set(try FileManager.default.contentsOfDirectory(atPath: directory.path)),
      ["model.json", "model.safetensors"])
  }
}

extension ModelFileTests {
  func testRefusesToOverwriteItsOwnWeights() throws {
    let url = directory.appendingPathComponent("model.safetensors")
    assertThrows("must not have the extension .safetensors") {
      try ModelFile.save(try makeMLP(), to: url)
    }
    XCTAssertFalse(FileManager.default.fileExists(atPath: url.path))
  }
}
