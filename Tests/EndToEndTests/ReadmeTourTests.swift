import Foundation
import TTIR
import TinyTorch
import XCTest

/// Keeps the README's tour honest: the same code, run as a test.
final class ReadmeTourTests: XCTestCase {
  func testTourTrainsSavesAndExports() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tour-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }

    manualSeed(42)
    let model = Sequential(Linear(64, 128), ReLU(), Linear(128, 10))
    let optimizer = Adam(model.parameters(), learningRate: 1e-3)

    let x = Tensor.randn([32, 64])
    let labels = Tensor((0..<32).map { Float($0 % 10) })
    var losses: [Float] = []
    for _ in 0..<100 {
      optimizer.zeroGrad()
      let loss = try Loss.crossEntropy(model(x), labels)
      try loss.backward()
      try optimizer.step()
      losses.append(loss.item)
    }
    XCTAssertLessThan(losses.last!, losses.first! / 10, "the tour's model memorizes its batch")
    try model.save(to: directory.appendingPathComponent("mlp.safetensors"))

    let graph = try trace(model, example: x, name: "digits-mlp")
    try ModelFile.save(graph, to: directory.appendingPathComponent("digits-mlp.json"))
    let reloaded = try ModelFile.load(from: directory.appendingPathComponent("digits-mlp.json"))
    XCTAssertEqual(reloaded.nodes.map(\.op), [.linear, .relu, .linear])
  }
}
