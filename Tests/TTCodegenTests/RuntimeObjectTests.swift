import Foundation
import TTIR
import TTInterpreter
import XCTest

@testable import TTCodegen

/// The runtime object cached in the cache's runtime-objects folder is checked against its recorded
/// SHA-256 before every use: a corrupted one is rebuilt, never linked. A library links only the
/// runtime kernels its model reaches.
final class RuntimeObjectTests: XCTestCase {
  /// A model library is linked with `--gc-sections` from a runtime object with a section per
  /// function: a dense model's library keeps the GEMM but no convolution, attention, int8, float16
  /// or sparse kernel, and is less than half the object's size; a convolutional model's keeps its
  /// kernels; both run. (Sizes and symbol tables, not times; every op family runs stripped in
  /// CompiledVsInterpreterTests, the milestone models in MilestoneModelTests.)
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

    var libraries: [(bytes: Int, functions: [String])] = []
    for graph in [try dense.build(), try convolutional.build()] {
      let input = graph.inputs[0]
      let values = randomFloats(input.type.shape.reduce(1, *), seed: 3)
      try assertCompiledMatchesInterpreter(
        graph, [input.name: InterpreterTensor(values, shape: input.type.shape)], cache: cache)
      let artifact = try ModelCompiler.compile(graph, options: CompileOptions(cacheDirectory: cache))
      let library = try Data(contentsOf: URL(fileURLWithPath: artifact.libraryPath))
      libraries.append((library.count, try XCTUnwrap(functionSymbols(ofELF: library))))
    }
    let object = try RuntimeObject.path(compiler: CCompiler.locate(), cache: CompileCache(root: cache))
    XCTAssertLessThan(libraries[0].bytes, try Data(contentsOf: URL(fileURLWithPath: object)).count / 2)
    func has(_ functions: [String], _ prefix: String) -> Bool { functions.contains { $0.hasPrefix(prefix) } }
    XCTAssertTrue(has(libraries[0].functions, "tt_sgemm"))
    for family in [
      "tt_conv", "tt_max_pool", "tt_attention", "tt_qgemm", "tt_hgemm", "tt_sparse", "tt_layer_norm",
    ] {
      XCTAssertFalse(has(libraries[0].functions, family), "the dense model's library has \(family)")
    }
    XCTAssertTrue(has(libraries[1].functions, "tt_conv2d"))
    XCTAssertTrue(has(libraries[1].functions, "tt_max_pool2d"))
    XCTAssertFalse(has(libraries[1].functions, "tt_attention"))
  }

  /// The names of the function symbols in the symbol table (`.symtab`, which lists the hidden
  /// kernels as local symbols) of a little-endian ELF64 file; nil if there is none.
  private func functionSymbols(ofELF file: Data) -> [String]? {
    let bytes = [UInt8](file)
    func integer(_ offset: Int, _ size: Int) -> Int {
      (0..<size).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }
    }
    guard bytes.count > 64, bytes[0...3] == [0x7F, 0x45, 0x4C, 0x46], bytes[4] == 2 else { return nil }
    let (sections, entry, count) = (integer(0x28, 8), integer(0x3A, 2), integer(0x3C, 2))
    func header(_ index: Int) -> Int { sections + index * entry }
    // The section of type SHT_SYMTAB (2); its sh_link names the string table.
    guard let table = (0..<count).first(where: { integer(header($0) + 4, 4) == 2 }) else { return nil }
    let strings = integer(header(integer(header(table) + 0x28, 4)) + 0x18, 8)
    let (start, size) = (integer(header(table) + 0x18, 8), integer(header(table) + 0x20, 8))
    return stride(from: start, to: start + size, by: 24).compactMap { symbol in
      guard bytes[symbol + 4] & 0xF == 2 else { return nil }  // STT_FUNC
      let name = strings + integer(symbol, 4)
      return String(decoding: bytes[name...].prefix { $0 != 0 }, as: UTF8.self)
    }
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
