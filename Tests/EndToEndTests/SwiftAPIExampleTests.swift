import Foundation
import MilestoneSupport
import TTCodegen
import TTIR
import TTLoader
import TinyTorch
import XCTest

/// The README's "run a compiled model from Swift" example, kept working.
final class SwiftAPIExampleTests: XCTestCase {
  func testLoadingACompiledModelTakesAFewLines() throws {
    let directory = try makeTemporaryDirectory()
    defer { removeDirectory(directory) }
    let trained = DigitMLP(seed: 3)
    let graph = try exportAndReload(
      trained, example: Tensor.zeros([1, 64]), name: "digits-mlp", in: directory)
    let artifact = try ModelCompiler.compile(
      graph, options: CompileOptions(cacheDirectory: directory.appendingPathComponent("cache").path))
    let libraryPath = directory.appendingPathComponent("digits-mlp.so").path
    try FileManager.default.copyItem(atPath: artifact.libraryPath, toPath: libraryPath)
    let pixels = (0..<64).map { Float($0 % 9) / 8 }

    // README: load the library `ttc compile` wrote and classify one digit.
    let model = try CompiledModel(path: libraryPath)
    let probs = try model.run([pixels])[0]
    let digit = probs.indices.max { probs[$0] < probs[$1] }!

    trained.eval()
    let eager = try withNoGrad { try trained(Tensor(shape: [1, 64], scalars: pixels)) }.scalars
    XCTAssertEqual(digit, rowArgmax(eager, columns: 10)[0])
    XCTAssertEqual(model.inputs, [ValueInfo("x", .f32, [1, 64])])
    let session = model.makeSession()
    XCTAssertEqual(try session.run([TensorData(pixels, shape: [1, 64])])[0].floats(), probs)
    // The same run on the session's own buffers.
    pixels.withUnsafeBytes { session.inputBuffer(0).copyMemory(from: $0) }
    try session.runInPlace()
    XCTAssertEqual(Array(session.outputBuffer(0).bindMemory(to: Float.self)), probs)
  }
}
