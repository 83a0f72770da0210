import TTCodegen
import TTIR
import TTInterpreter
import TTKernels
import TTLoader
import XCTest

/// `--threads` in both engines: a compiled library's own pool (`tt_model_set_threads`) and the
/// interpreter's (``TTKernels/KernelThreads``) give bitwise the same outputs on 1 and 3 threads, and
/// the engines agree.
final class CompiledThreadsTests: XCTestCase {
  var cache = ""
  override func setUpWithError() throws { cache = try makeTemporaryDirectory("ttc-test-cache").path }
  override func tearDown() {
    KernelThreads.set(1)
    removeDirectory(URL(fileURLWithPath: cache))
  }

  func testThreadCountsGiveIdenticalOutputsInBothEngines() throws {
    var builder = GraphBuilder(name: "threads")
    let x = builder.input("x", .f32, [4, 8, 24, 24])
    let kernel = builder.weight(
      "kernel", TensorData(randomFloats(16 * 8 * 9, seed: 7), shape: [16, 8, 3, 3]))
    let conv = builder.add(.conv2d, [x, kernel], attributes: ["padding": .ints([1, 1])])
    let flat = builder.add(.reshape, [conv], attributes: ["shape": .ints([4, 16 * 24 * 24])])
    let weight = builder.weight(
      "w", TensorData(randomFloats(16 * 24 * 24 * 33, seed: 8), shape: [16 * 24 * 24, 33]))
    builder.output(builder.add(.linear, [flat, weight]))
    let graph = try builder.build()
    let values = randomFloats(4 * 8 * 24 * 24, seed: 9)

    let artifact = try ModelCompiler.compile(graph, options: CompileOptions(cacheDirectory: cache))
    let model = try CompiledModel(path: artifact.libraryPath, expecting: artifact.graphHash)
    XCTAssertEqual(try model.setThreads(1), 1)
    let one = try model.run([values])[0]
    XCTAssertEqual(try model.setThreads(3), 3)
    XCTAssertEqual(try model.run([values])[0].map(\.bitPattern), one.map(\.bitPattern))

    let inputs = ["x": InterpreterTensor(values, shape: [4, 8, 24, 24])]
    KernelThreads.set(1)
    let interpreted = try Interpreter(graph: graph).run(inputs)[graph.outputs[0].name]!.floats()
    KernelThreads.set(3)
    let threaded = try Interpreter(graph: graph).run(inputs)[graph.outputs[0].name]!.floats()
    XCTAssertEqual(threaded.map(\.bitPattern), interpreted.map(\.bitPattern))
    for (a, b) in zip(one, interpreted) where !(abs(a - b) <= 1e-4 * max(1, abs(b))) {
      XCTFail("compiled \(a), interpreter \(b)")
      break
    }
  }

  /// A model library's workers sleep in its own pool; unloading it must stop and join them, or
  /// they would wake later inside unmapped memory (a crash seen as "The futex facility returned an
  /// unexpected error code").
  func testUnloadingALibraryStopsItsWorkers() throws {
    func threadCount() throws -> Int {
      try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count
    }
    var builder = GraphBuilder(name: "unload")
    let x = builder.input("x", .f32, [64, 64])
    let w = builder.weight("w", TensorData(randomFloats(64 * 64, seed: 3), shape: [64, 64]))
    builder.output(builder.add(.linear, [x, w]))
    let artifact = try ModelCompiler.compile(
      try builder.build(), options: CompileOptions(cacheDirectory: cache))
    let before = try threadCount()
    do {
      let model = try CompiledModel(path: artifact.libraryPath, expecting: artifact.graphHash)
      XCTAssertEqual(try model.setThreads(3), 3)
      _ = try model.run([randomFloats(64 * 64, seed: 4)])
      XCTAssertEqual(try threadCount(), before + 2, "two workers while the library is loaded")
    }
    XCTAssertEqual(try threadCount(), before, "the workers are joined when the library is unloaded")
  }
}
