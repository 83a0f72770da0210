import Foundation
import MilestoneSupport
import TTCodegen
import TTIR
import TTPasses
import TinyTorch
import XCTest

/// Train → trace → model.json → compile → load → the same predictions as eager, plus the
/// compile cache's behaviour on a real model.
final class TrainedDigitsTests: XCTestCase {
  var directory = URL(fileURLWithPath: "/")
  override func setUpWithError() throws { directory = try makeTemporaryDirectory() }
  override func tearDown() { removeDirectory(directory) }

  func testTrainedDigitsMLPPredictsLikeEagerOnTheWholeTestSet() throws {
    let data = repositoryRoot.appendingPathComponent("Data/tinydigits")
    func split(_ name: String) throws -> (Tensor, Tensor) {
      let images = try Tensor(npyFile: data.appendingPathComponent("\(name)_images.npy"))
      let labels = try Tensor(npyFile: data.appendingPathComponent("\(name)_labels.npy"))
      return (try images.reshaped([images.shape[0], 64]), labels)
    }
    let (trainImages, trainLabels) = try split("train")
    let (testImages, testLabels) = try split("test")
    XCTAssertEqual(testImages.shape, [200, 64])

    let model = DigitMLP(seed: 1986)
    let trainer = Trainer(
      model: model, optimizer: Adam(model.parameters(), learningRate: 2e-3), loss: Loss.crossEntropy)
    _ = try trainer.fit(
      DataLoader(try TensorDataset(trainImages, trainLabels), batchSize: 32, shuffle: true, seed: 1),
      epochs: 3)

    let graph = try exportAndReload(model, example: Tensor.zeros([1, 64]), name: "digits", in: directory)
    let batch200 = try SpecializeBatch(batchSize: 200).applied(to: graph)
    let cache = directory.appendingPathComponent("cache")
    let compiled = try compileAndLoad(batch200, cache: cache).run([testImages.scalars])[0]
    model.eval()
    let eager = try withNoGrad { try model(testImages) }.scalars
    let predictions = rowArgmax(compiled, columns: 10)
    XCTAssertEqual(predictions, rowArgmax(eager, columns: 10))
    let correct = zip(predictions, testLabels.scalars).filter { Float($0) == $1 }.count
    XCTAssertGreaterThan(correct, 150, "a briefly trained MLP should classify most digits")

    // A second compile of the same model is a hit; a change of one weight is a miss.
    let options = CompileOptions(cacheDirectory: cache.path)
    XCTAssertTrue(try ModelCompiler.compile(batch200, options: options).cacheHit)
    var changed = batch200
    var bias = changed.weights["output.bias"]!.floats()
    bias[3] += 0.5
    changed.weights["output.bias"] = TensorData(bias, shape: [10])
    let miss = try ModelCompiler.compile(changed, options: options)
    XCTAssertFalse(miss.cacheHit)
  }
}
