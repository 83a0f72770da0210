import Foundation
import TTCodegen
import TTIR
import XCTest

/// The runtime object cached in the cache's runtime-objects folder is checked against its recorded
/// SHA-256 before every use: a corrupted one is rebuilt, never linked.
final class RuntimeObjectTests: XCTestCase {
  func testACorruptedRuntimeObjectIsRebuilt() throws {
    // The test corrupts the object its compile used, so it needs a runtime folder of its own: the
    // suite's shared $TTC_RUNTIME_CACHE holds objects for other sources and flags too.
    let shared = getenv("TTC_RUNTIME_CACHE").map { String(cString: $0) }
    unsetenv("TTC_RUNTIME_CACHE")
    defer { if let shared { setenv("TTC_RUNTIME_CACHE", shared, 1) } }
    let cache = try makeTemporaryDirectory("ttc-test-cache").path
    defer { removeDirectory(URL(fileURLWithPath: cache)) }
    func relu(_ count: Int) throws -> Graph {
      var builder = GraphBuilder(name: "relu\(count)")
      builder.output(builder.add(.relu, [builder.input("x", .f32, [count])]))
      return try builder.build()
    }
    XCTAssertEqual(try compileAndRun(relu(3), [[1, -2, 3]], cache: cache), [[1, 0, 3]])
    let folder = CompileCache(root: cache).runtimeObjectsFolder
    XCTAssertEqual(folder, cache + "/runtime")
    let name = try XCTUnwrap(
      try FileManager.default.contentsOfDirectory(atPath: folder).first { $0.hasSuffix(".o") })
    let object = URL(fileURLWithPath: folder + "/" + name)
    try Data("not an object file".utf8).write(to: object)
    // A different graph, so the library itself is not a cache hit and must be linked again.
    XCTAssertEqual(try compileAndRun(relu(4), [[1, -2, 3, -4]], cache: cache), [[1, 0, 3, 0]])
    XCTAssertGreaterThan(try Data(contentsOf: object).count, 1000)  // compiled again
  }
}
