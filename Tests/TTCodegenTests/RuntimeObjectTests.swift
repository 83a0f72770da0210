import Foundation
import TTCodegen
import TTIR
import TTInterpreter
import XCTest

/// The runtime object cached in the cache's runtime-objects folder is checked against its recorded
/// SHA-256 before every use: a corrupted one is rebuilt, never linked. A library links only the
/// runtime kernels its model reaches.
final class RuntimeObjectTests: XCTestCase {
  /// A model library is linked with `--gc-sections` from a runtime object with a section per
  /// function: a dense model's library keeps the GEMM but no convolution, attention or int8 kernel,
  /// and is a fraction of the object's size; a convolutional model's keeps its kernels and runs.
  /// (Sizes and symbol names, not times; every op family runs stripped in CompiledVsInterpreterTests.)
  func testALibraryKeepsOnlyTheKernelsItsModelReaches() throws {
    let cache = try makeTemporaryDirectory("ttc-test-cache").path
    defer { removeDirectory(URL(fileURLWithPath: cache)) }
    var dense = GraphBuilder(name: "dense")
    let weight = dense.weight("w", TensorData(randomFloats(8 * 3, seed: 1), shape: [8, 3]))
    dense.output(dense.add(.sigmoid, [dense.add(.linear, [dense.input("x", .f32, [4, 8]), weight])]))
    var convolutional = GraphBuilder(name: "convolutional")
    let kernel = convolutional.weight("k", TensorData(randomFloats(3 * 2 * 9, seed: 2), shape: [3, 2, 3, 3]))
    let conv = convolutional.add(.conv2d, [convolutional.input("x", .f32, [1, 2, 6, 6]), kernel])
    convolutional.output(convolutional.add(.maxPool2d, [conv], attributes: ["kernel": [2, 2]]))

    var libraries: [Data] = []
    for graph in [try dense.build(), try convolutional.build()] {
      let input = graph.inputs[0]
      let values = randomFloats(input.type.shape.reduce(1, *), seed: 3)
      try assertCompiledMatchesInterpreter(
        graph, [input.name: InterpreterTensor(values, shape: input.type.shape)], cache: cache)
      let artifact = try ModelCompiler.compile(graph, options: CompileOptions(cacheDirectory: cache))
      XCTAssertTrue(artifact.cacheHit)
      libraries.append(try Data(contentsOf: URL(fileURLWithPath: artifact.libraryPath)))
    }
    let folder = CompileCache(root: cache).runtimeObjectsFolder
    let objects = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".o") }
    let smallestObject = try XCTUnwrap(
      objects.map { try Data(contentsOf: URL(fileURLWithPath: folder + "/" + $0)).count }.min())
    XCTAssertLessThan(libraries[0].count, smallestObject / 2)
    // Symbol names of the library's symbol table (hidden functions are local symbols there).
    func mentions(_ library: Data, _ name: String) -> Bool { library.range(of: Data(name.utf8)) != nil }
    for family in ["tt_conv", "tt_attention", "tt_qgemm", "tt_hgemm", "tt_sparse", "tt_layer_norm"] {
      XCTAssertFalse(mentions(libraries[0], family), "the dense model's library has \(family)")
    }
    XCTAssertTrue(mentions(libraries[0], "tt_sgemm"))
    XCTAssertTrue(mentions(libraries[1], "tt_conv"))
    XCTAssertTrue(mentions(libraries[1], "tt_max_pool2d"))
    XCTAssertFalse(mentions(libraries[1], "tt_attention"))
  }

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
