import Foundation
import Glibc
import TTCodegen
import TTLoader
import XCTest

/// A library whose descriptor is malformed is refused with one clear line, never trusted
/// (issue 13, item 7).
final class MalformedDescriptorTests: XCTestCase {
  var cache = ""
  override func setUpWithError() throws { cache = try makeTemporaryDirectory("ttc-test-cache").path }
  override func tearDown() { removeDirectory(URL(fileURLWithPath: cache)) }

  /// Builds a library whose descriptor has the given fields replaced, then loads it.
  private func load(_ replacements: [String: String]) throws -> CompiledModel {
    var fields = [
      "SHAPE": "4", "NAME": "\"x\"", "DTYPE": "TT_F32", "RANK": "1", "SHAPEPTR": "shape", "NIN": "1",
      "INPUTS": "inputs", "WOFFSET": "0", "WBYTES": "16", "WORKSPACE": "64",
    ]
    fields.merge(replacements) { $1 }
    var source = """
      #include "tt_model.h"
      static const int64_t shape[] = {@SHAPE@};
      static const tt_tensor_desc inputs[] = {{@NAME@, @DTYPE@, @RANK@, @SHAPEPTR@}};
      static const tt_weight_desc weights[] = {{{"w", TT_F32, 1, shape}, @WOFFSET@, @WBYTES@}};
      static const tt_model_desc d = {TT_ABI_VERSION, "hash", "m", @NIN@, 0, @INPUTS@, 0, @WORKSPACE@, 64, 0,
                                      1, weights, 1};
      const tt_model_desc *tt_describe(void) { return &d; }
      int tt_run_ex(const void *w, const void *const *i, void *const *o, void *s, tt_observer f, void *c) {
        return 0;
      }
      """
    for (key, value) in fields { source = source.replacingOccurrences(of: "@\(key)@", with: value) }
    let name = "lib\(abs(source.hashValue)).so"
    try source.write(toFile: cache + "/model.c", atomically: true, encoding: .utf8)
    let include = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Runtime/include").path
    let clang = try CCompiler.locateExecutable()
    XCTAssertEqual(system("\(clang) -shared -fPIC -I\(include) -o \(cache)/\(name) \(cache)/model.c"), 0)
    return try CompiledModel(path: cache + "/" + name, weights: ["w": .init([1, 2, 3, 4], shape: [4])])
  }

  func testMalformedFieldsAreRefused() throws {
    XCTAssertEqual(try load([:]).inputs.map(\.description), ["x: f32[4]"])
    let cases: [([String: String], String)] = [
      (["NIN": "-1"], "input count is -1"),
      (["INPUTS": "0"], "the input table is NULL"),
      (["DTYPE": "9"], "input 0 has an unknown dtype"),
      (["RANK": "100"], "input 0 has rank 100"),
      (["SHAPE": "-4"], "input 0 has invalid shape [-4]"),
      (["SHAPEPTR": "0"], "input 0 has no shape"),
      (["NAME": "(const char *)16"], "the name of input 0 points outside the library"),
      (["NAME": "0"], "the name of input 0 is NULL"),
      (["WOFFSET": "60"], "weight 0 ('w') at offset 60, 16 bytes, is outside the 64-byte blob"),
      (["WBYTES": "8"], "weight 0 ('w') at offset 0, 8 bytes, is outside the 64-byte blob"),
      (["WORKSPACE": "0xFFFFFFFFFFFFFFFFull"], "the workspace is 18446744073709551615 bytes"),
    ]
    for (replacements, reason) in cases {
      XCTAssertThrowsError(try load(replacements), "\(replacements)") { error in
        let text = "\(error)"
        XCTAssertTrue(
          text.contains("is not a loadable ttc model library: malformed model descriptor: \(reason)"), text)
        XCTAssertTrue(text.hasPrefix(cache), text)
      }
    }
  }
}
