import Foundation
import Glibc
import TTCodegen
import TTIR
import TTLoader
import XCTest

final class CacheAndLoaderTests: XCTestCase {
  var cache = ""
  override func setUpWithError() throws { cache = try makeTemporaryDirectory("ttc-test-cache").path }
  override func tearDown() { removeDirectory(URL(fileURLWithPath: cache)) }

  func linearGraph(bias: Float = 0.5, name: String = "lin") throws -> Graph {
    var builder = GraphBuilder(name: name)
    let x = builder.input("x", .f32, [2, 3])
    let w = builder.weight("w", TensorData(randomFloats(12, seed: 1), shape: [3, 4]))
    let b = builder.weight("b", TensorData([bias, 0, 0, 0], shape: [4]))
    builder.output(builder.add(.linear, [x, w, b], name: "fc"))
    return try builder.build()
  }

  func testCacheHitThenMissWhenAWeightChanges() throws {
    let options = CompileOptions(cacheDirectory: cache)
    let first = try ModelCompiler.compile(try linearGraph(), options: options)
    XCTAssertFalse(first.cacheHit)
    XCTAssertEqual(first.timings.map(\.stage), ["codegen", "check", "clang", "total"])
    let second = try ModelCompiler.compile(try linearGraph(), options: options)
    XCTAssertTrue(second.cacheHit)
    XCTAssertEqual(second.libraryPath, first.libraryPath)
    let changed = try ModelCompiler.compile(try linearGraph(bias: 0.25), options: options)
    XCTAssertFalse(changed.cacheHit)
    XCTAssertNotEqual(changed.libraryPath, first.libraryPath)
    XCTAssertEqual(CompileCache(root: cache).entries().count, 2)
    let explanation = try ModelCompiler.cacheKey(try linearGraph(), options: options).explanation
    XCTAssertTrue(explanation.contains { $0.hasPrefix("compiler: ") })
    XCTAssertEqual(explanation.last, "key: \(first.key.digest)")
  }

  /// Two graphs that differ only in how their inputs are split into names: version 1 of the graph
  /// hash wrote `input NAME: TYPE` lines, so one input called `x: f32[1]\ninput y` hashed like
  /// two inputs `x` and `y`, and the cache handed the second graph the first one's library (two
  /// inputs instead of one). The key now covers the generated C, and the graph hash
  /// length-prefixes every field.
  func testGraphsWhoseOldHashesCollidedGetTheirOwnLibraries() throws {
    func graph(inputs: [(String, [Int])]) throws -> Graph {
      var builder = GraphBuilder(name: "g")
      for (name, shape) in inputs { builder.input(name, .f32, shape) }
      let w = builder.weight("w", TensorData([1, -2, 3, -4], shape: [4]))
      builder.output(builder.add(.relu, [w], name: "r"))
      return try builder.build()
    }
    let two = try graph(inputs: [("x", [1]), ("y", [4])])
    let one = try graph(inputs: [("x: f32[1]\ninput y", [4])])
    XCTAssertNotEqual(two.contentHash, one.contentHash)
    let options = CompileOptions(cacheDirectory: cache)
    let first = try ModelCompiler.compile(two, options: options)
    let second = try ModelCompiler.compile(one, options: options)
    XCTAssertFalse(second.cacheHit)
    XCTAssertNotEqual(second.libraryPath, first.libraryPath)
    XCTAssertNotEqual(second.key.digest, first.key.digest)
    XCTAssertTrue(second.key.explanation.contains { $0.hasPrefix("source: ") })
    let model = try CompiledModel(path: second.libraryPath, expecting: second.graphHash)
    XCTAssertEqual(model.inputs.map(\.name), ["x: f32[1]\ninput y"])
    XCTAssertEqual(try model.run([TensorData([0, 0, 0, 0], shape: [4])])[0].floats(), [1, 0, 3, 0])
  }

  func testCorruptedEntryIsRebuilt() throws {
    let options = CompileOptions(cacheDirectory: cache)
    let first = try ModelCompiler.compile(try linearGraph(), options: options)
    XCTAssertEqual(truncate(first.libraryPath, 100), 0)
    let again = try ModelCompiler.compile(try linearGraph(), options: options)
    XCTAssertFalse(again.cacheHit, "a truncated library must not be reused")
    let model = try CompiledModel(path: again.libraryPath, expecting: again.graphHash)
    XCTAssertEqual(try model.run([[1, 0, 0, 0, 0, 0]])[0].count, 8)
  }

  func testCompilerFailureReportsDiagnosticsAndKeepsTheSource() throws {
    var compiler = try CCompiler.locate()
    compiler.extraFlags = ["-include", "no-such-header.h"]
    let options = CompileOptions(compiler: compiler, cacheDirectory: cache)
    XCTAssertThrowsError(try ModelCompiler.compile(try linearGraph(), options: options)) { error in
      guard case .compilationFailed(_, let diagnostics, let kept) = error as? CodegenError else {
        return XCTFail("unexpected \(error)")
      }
      XCTAssertTrue(diagnostics.contains("no-such-header.h"), diagnostics)
      XCTAssertTrue(FileManager.default.fileExists(atPath: kept), kept)
    }
  }

  func testMissingCompilerAndUnwritableCache() throws {
    let missing = CompileOptions(compiler: CCompiler(executable: "/nonexistent/clang"), cacheDirectory: cache)
    XCTAssertThrowsError(try ModelCompiler.compile(try linearGraph(), options: missing)) { error in
      XCTAssertTrue("\(error)".contains("/nonexistent/clang"), "\(error)")
    }
    let unwritable = CompileOptions(cacheDirectory: "/proc/ttc-cache")
    XCTAssertThrowsError(try ModelCompiler.compile(try linearGraph(), options: unwritable)) { error in
      XCTAssertTrue("\(error)".contains("/proc/ttc-cache"), "\(error)")
    }
  }

  func testLoaderRefusalsAndShapeChecks() throws {
    let artifact = try ModelCompiler.compile(
      try linearGraph(), options: CompileOptions(cacheDirectory: cache))
    let other = try linearGraph(bias: 9)
    XCTAssertThrowsError(try CompiledModel(path: artifact.libraryPath, expecting: other.contentHash)) {
      error in
      guard case .graphMismatch = error as? LoaderError else { return XCTFail("unexpected \(error)") }
    }
    XCTAssertThrowsError(try CompiledModel(path: cache + "/missing.so")) { error in
      XCTAssertEqual(error as? LoaderError, .missingFile(cache + "/missing.so"))
    }
    XCTAssertTrue(FileManager.default.createFile(atPath: cache + "/junk.so", contents: Data("junk".utf8)))
    XCTAssertThrowsError(try CompiledModel(path: cache + "/junk.so")) { error in
      guard case .notALibrary = error as? LoaderError else { return XCTFail("unexpected \(error)") }
    }
    let model = try CompiledModel(path: artifact.libraryPath, expecting: artifact.graphHash)
    XCTAssertEqual(model.inputs, [ValueInfo("x", .f32, [2, 3])])
    XCTAssertThrowsError(try model.run([[1, 2, 3]])) { error in
      XCTAssertTrue("\(error)".contains("f32[2, 3]"), "\(error)")
    }
  }

  func testWrongABIIsRefused() throws {
    let source = """
      #include <stdint.h>
      typedef struct { uint32_t abi; } desc;
      static const desc d = {999};
      const desc *tt_describe(void) { return &d; }
      int tt_run_ex(void) { return 0; }
      """
    try source.write(toFile: cache + "/old.c", atomically: true, encoding: .utf8)
    let clang = try CCompiler.locateExecutable()
    XCTAssertEqual(system("\(clang) -shared -fPIC -o \(cache)/old.so \(cache)/old.c"), 0)
    XCTAssertThrowsError(try CompiledModel(path: cache + "/old.so")) { error in
      XCTAssertEqual(error as? LoaderError, .abiMismatch(path: cache + "/old.so", found: 999, expected: 1))
    }
  }

  func testExternalWeightsAndObserver() throws {
    let graph = try linearGraph()
    let artifact = try ModelCompiler.compile(
      graph, options: CompileOptions(cacheDirectory: cache, weights: .external))
    XCTAssertThrowsError(try CompiledModel(path: artifact.libraryPath))
    let model = try CompiledModel(
      path: artifact.libraryPath, expecting: graph.contentHash, weights: graph.weights)
    var seen: [String] = []
    let input = TensorData([Float]([1, 0, 0, 0, 1, 0]), shape: [2, 3])
    let output = try model.run([input]) { _, name, _ in seen.append(name) }
    XCTAssertEqual(seen, ["fc"])
    let embedded = try CompiledModel(
      path: try ModelCompiler.compile(graph, options: CompileOptions(cacheDirectory: cache)).libraryPath)
    XCTAssertEqual(output, try embedded.run([input]))
  }
}
