import Foundation
import Glibc
import TTIR
import XCTest

@testable import TTCodegen

final class FoundationTests: XCTestCase {
  func testSHA256Vectors() {
    XCTAssertEqual(SHA256.hex([]), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    XCTAssertEqual(
      SHA256.hex(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    let long = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
    XCTAssertEqual(SHA256.hex(long), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    var hasher = SHA256()
    let million = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
    hasher.update("")
    million.withUnsafeBytes { hasher.update(buffer: $0) }
    XCTAssertEqual(hasher.finalize(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
  }

  /// Pieces of every size through every entry point (String, contiguous and lazy sequences, raw
  /// buffers) hash like the whole input at once.
  func testSHA256PiecesMatchTheWhole() {
    let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
    let whole = SHA256.hex(bytes)
    var hasher = SHA256()
    let sizes = [0, 1, 63, 64, 65, 3, 127, 200, 1]
    var start = 0
    var index = 0
    while start < bytes.count {
      let piece = Array(bytes[start..<min(start + sizes[index % sizes.count], bytes.count)])
      switch index % 3 {
      case 0: hasher.update(piece)
      case 1: piece.withUnsafeBytes { hasher.update(buffer: $0) }
      default: hasher.update(piece.lazy.map { $0 })
      }
      start += piece.count
      index += 1
    }
    XCTAssertEqual(hasher.finalize(), whole)
    var text = SHA256()
    text.update("héllo, ")
    text.update(Array("wörld".utf8))
    XCTAssertEqual(text.finalize(), SHA256.hex(Array("héllo, wörld".utf8)))
  }

  /// The embedded runtime must match Runtime/ and its include/ folder (Package.swift must list every
  /// file as an embedInCode resource).
  func testEmbeddedRuntimeMatchesRuntimeDirectory() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Runtime")
    var paths: [String: URL] = [:]
    for folder in [root, root.appendingPathComponent("include")] {
      for name in try FileManager.default.contentsOfDirectory(atPath: folder.path)
      where [".c", ".h", ".inc"].contains(where: name.hasSuffix) {
        paths[name] = folder.appendingPathComponent(name)
      }
    }
    XCTAssertEqual(RuntimeSources.files.map(\.name), paths.keys.sorted(), "list the file in Package.swift")
    for file in RuntimeSources.files {
      let disk = try String(contentsOf: try XCTUnwrap(paths[file.name]), encoding: .utf8)
      XCTAssertEqual(file.contents, disk, "\(file.name) differs from Runtime/")
    }
  }

  /// The loader reads tt_model.h structs by offset; check those offsets against clang's.
  func testDescriptorLayoutMatchesHeader() throws {
    let directory = try makeTemporaryDirectory("ttc-test-cache").path
    defer { removeDirectory(URL(fileURLWithPath: directory)) }
    for file in RuntimeSources.files {
      try file.contents.write(toFile: "\(directory)/\(file.name)", atomically: true, encoding: .utf8)
    }
    let program = """
      #include <stdio.h>
      #include <stddef.h>
      #include "tt_model.h"
      int main(void) {
        printf("%zu %zu %zu %zu %zu %zu %zu %zu %zu %zu %zu %zu %zu %zu %zu %zu", sizeof(tt_tensor_desc),
          sizeof(tt_weight_desc), offsetof(tt_weight_desc, offset), offsetof(tt_model_desc, graph_hash),
          offsetof(tt_model_desc, model_name), offsetof(tt_model_desc, n_inputs), offsetof(tt_model_desc, n_outputs),
          offsetof(tt_model_desc, inputs), offsetof(tt_model_desc, outputs), offsetof(tt_model_desc, workspace_bytes),
          offsetof(tt_model_desc, weights_bytes), offsetof(tt_model_desc, weights_embedded),
          offsetof(tt_model_desc, n_weights), offsetof(tt_model_desc, weights), offsetof(tt_model_desc, n_nodes),
          offsetof(tt_tensor_desc, shape));
        return 0;
      }
      """
    try program.write(toFile: "\(directory)/layout.c", atomically: true, encoding: .utf8)
    let clang = try CCompiler.locateExecutable()
    XCTAssertEqual(
      system(
        "\(clang) -o \(directory)/layout \(directory)/layout.c && \(directory)/layout > \(directory)/out"), 0)
    let output = try String(contentsOfFile: "\(directory)/out", encoding: .utf8)
    XCTAssertEqual(output, "24 40 24 8 16 24 28 32 40 48 56 64 68 72 80 16")
  }

  func testCheckerNamesTheNodeOfABrokenBlock() {
    let text = """
      #include "tt_runtime.h"
      void f(float *y) {
        /* [0] good */
        y[0] = 1.0f;
        /* [1] bad */
        y[1] = undefined_thing;
      }
      """
    let source = GeneratedSource(
      text: text, blocks: [.init(node: "good", lines: 3...4), .init(node: "bad", lines: 5...6)])
    XCTAssertThrowsError(try CSourceChecker.check(source, keptSource: "/tmp/x.c")) { error in
      guard case .invalidGeneratedC(let node, let diagnostic, _) = error as? CodegenError else {
        return XCTFail("unexpected \(error)")
      }
      XCTAssertEqual(node, "bad")
      XCTAssertTrue(diagnostic.contains("undefined_thing"), diagnostic)
      XCTAssertTrue("\(error)".contains("node 'bad'"))
    }
  }

  func testMemoryPlannerSharesDeadBuffers() throws {
    var builder = GraphBuilder(name: "chain")
    var value = builder.input("x", .f32, [256])
    for index in 0..<6 { value = builder.add(.relu, [value], name: "r\(index)") }
    builder.output(value)
    let graph = try builder.build()
    let plan = MemoryPlanner.plan(graph, types: try graph.valueTypes()) { _ in 0 }
    XCTAssertEqual(plan.values.count, 5)
    XCTAssertEqual(plan.unsharedBytes, 5 * 1024)
    XCTAssertEqual(plan.arenaBytes, 2 * 1024, plan.summary)
    for slot in plan.values.values { XCTAssertEqual(slot.offset % 64, 0) }
  }
}
