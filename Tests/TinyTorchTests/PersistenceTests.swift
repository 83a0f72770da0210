import Foundation
import XCTest

@testable import TinyTorch

final class PersistenceTests: XCTestCase {
  /// The 3 → 4 → 2 MLP of Fixtures/safetensors/make_safetensors_fixtures.py.
  final class MLP: Module {
    let fc1: Linear
    let fc2: Linear
    init(seed: UInt64 = 0, hidden: Int = 4) {
      fc1 = Linear(3, hidden, seed: seed)
      fc2 = Linear(hidden, 2, seed: seed + 1)
      super.init()
    }
    override func forward(_ x: Tensor) throws -> Tensor { try fc2(fc1(x).relu()) }
  }

  /// The fixture's values: `offset + 0.125·i`.
  func fixtureValues(_ count: Int, _ offset: Float) -> [Float] {
    (0..<count).map { offset + 0.125 * Float($0) }
  }

  var directory: URL!

  override func setUpWithError() throws { directory = try Fixtures.temporaryDirectory() }
  override func tearDownWithError() throws { try FileManager.default.removeItem(at: directory) }

  func testLoadsAFileWrittenByPythonSafetensors() throws {
    let model = MLP(seed: 5)
    try model.load(from: Fixtures.url("safetensors/mlp.safetensors"))
    XCTAssertEqual(model.fc1.weight.scalars, fixtureValues(12, -1))
    XCTAssertEqual(model.fc1.bias!.scalars, fixtureValues(4, 0.5))
    XCTAssertEqual(model.fc2.weight.scalars, fixtureValues(8, -0.25))
    XCTAssertEqual(model.fc2.bias!.scalars, fixtureValues(2, 2))
  }

  func testSavedBytesAreIdenticalToPythonSafetensors() throws {
    let model = MLP()
    try model.fc1.weight.assign(Tensor(shape: [3, 4], scalars: fixtureValues(12, -1)))
    try model.fc1.bias!.assign(Tensor(fixtureValues(4, 0.5)))
    try model.fc2.weight.assign(Tensor(shape: [4, 2], scalars: fixtureValues(8, -0.25)))
    try model.fc2.bias!.assign(Tensor(fixtureValues(2, 2)))
    let url = directory.appendingPathComponent("mlp.safetensors")
    try model.save(to: url)
    XCTAssertEqual(
      try Data(contentsOf: url), try Data(contentsOf: Fixtures.url("safetensors/mlp.safetensors")))
  }

  func testRoundTripThroughAFile() throws {
    let model = MLP(seed: 1)
    let url = directory.appendingPathComponent("m.safetensors")
    try model.save(to: url)
    let twin = MLP(seed: 99)
    try twin.load(from: url)
    for ((name, a), (_, b)) in zip(model.namedTensors(), twin.namedTensors()) {
      XCTAssertEqual(a.scalars, b.scalars, name)
    }
  }

  func testMissingTensorIsADescriptiveError() throws {
    let url = directory.appendingPathComponent("partial.safetensors")
    try StateDictFile.save(MLP().stateDict().filter { $0.name != "fc2.bias" }, to: url)
    let model = MLP(seed: 3)
    let before = model.stateDict().map(\.tensor.scalars)
    XCTAssertThrowsError(try model.load(from: url)) { error in
      XCTAssertTrue("\(error)".contains("missing tensor 'fc2.bias' (shape [2])"), "\(error)")
      XCTAssertTrue("\(error)".contains(url.path), "\(error)")
    }
    XCTAssertEqual(model.stateDict().map(\.tensor.scalars), before)  // unchanged
  }

  func testMisshapenTensorIsADescriptiveError() throws {
    let url = directory.appendingPathComponent("wide.safetensors")
    try MLP(hidden: 5).save(to: url)
    XCTAssertThrowsError(try MLP().load(from: url)) { error in
      XCTAssertTrue(
        "\(error)".contains("tensor 'fc1.weight' has shape [3, 5], the model expects [3, 4]"), "\(error)")
    }
  }

  func testUnexpectedTensorIsRejectedOnlyWhenStrict() throws {
    let url = directory.appendingPathComponent("extra.safetensors")
    try StateDictFile.save(MLP().stateDict() + [(name: "fc3.weight", tensor: Tensor.zeros([2]))], to: url)
    XCTAssertThrowsError(try MLP().load(from: url)) { error in
      XCTAssertTrue("\(error)".contains("unexpected tensor 'fc3.weight'"), "\(error)")
    }
    XCTAssertNoThrow(try MLP().load(from: url, strict: false))
  }

  func testMalformedAndMissingFilesAreDescriptiveErrors() throws {
    let url = directory.appendingPathComponent("junk.safetensors")
    try Data([1, 2, 3]).write(to: url)
    XCTAssertThrowsError(try MLP().load(from: url)) { error in
      XCTAssertTrue("\(error)".contains("junk.safetensors"), "\(error)")
    }
    XCTAssertThrowsError(try MLP().load(from: directory.appendingPathComponent("absent.safetensors")))
    XCTAssertThrowsError(
      try StateDictFile.save([(name: "a", tensor: Tensor(1)), (name: "a", tensor: Tensor(2))], to: url))
  }

  func testOptimizerStateRoundTrip() throws {
    let model = MLP(seed: 1)
    let adam = Adam(model.parameters(), learningRate: 0.01)
    try Loss.mse(model(Tensor.randn([5, 3], seed: 2)), Tensor.zeros([5, 2])).backward()
    try adam.step()
    let url = directory.appendingPathComponent("adam.safetensors")
    try adam.save(to: url)
    let restored = Adam(MLP(seed: 1).parameters())
    try restored.load(from: url)
    XCTAssertEqual(restored.stepCount, 1)
    XCTAssertEqual(restored.stateDict().map(\.tensor.scalars), adam.stateDict().map(\.tensor.scalars))
    XCTAssertThrowsError(try Adam(MLP(hidden: 6).parameters()).load(from: url)) { error in
      XCTAssertTrue("\(error)".contains("entry '0.exp_avg' has shape [3, 4], expected [3, 6]"), "\(error)")
    }
  }

  /// 2 epochs, checkpoint file, fresh objects, load, 2 more epochs == 4 straight epochs, bit for bit.
  func testCheckpointFileResumesTrainingBitIdentically() throws {
    var generator = RandomGenerator(seed: 11)
    let x = Tensor.randn([40, 3], using: &generator)
    let y = Tensor((0..<40).map { _ in Float(generator.next() % 2) })
    let data = try TensorDataset(x, y)
    func makeTrainer(seed: UInt64) -> Trainer {
      let model = MLP(seed: seed)
      return Trainer(
        model: model, optimizer: AdamW(model.parameters(), learningRate: 0.01), loss: Loss.crossEntropy,
        schedule: StepSchedule(initialLearningRate: 0.01, stepSize: 1, gamma: 0.7))
    }
    func loader() throws -> DataLoader { try DataLoader(data, batchSize: 8, shuffle: true, seed: 5) }

    let straight = makeTrainer(seed: 1)
    try straight.fit(loader(), epochs: 4)

    let first = makeTrainer(seed: 1)
    try first.fit(loader(), epochs: 2)
    let url = directory.appendingPathComponent("checkpoint.safetensors")
    try first.saveCheckpoint(to: url)

    let resumed = makeTrainer(seed: 42)
    try resumed.loadCheckpoint(from: url)
    XCTAssertEqual(resumed.epoch, 2)
    try resumed.fit(loader(), epochs: 2)
    XCTAssertEqual(resumed.epoch, 4)
    for ((name, a), (_, b)) in zip(straight.model.namedParameters(), resumed.model.namedParameters()) {
      XCTAssertEqual(a.scalars, b.scalars, name)
    }
  }

  /// Python's `safetensors` reads what we write (skipped where python3 or the package is absent).
  func testPythonSafetensorsReadsOurFile() throws {
    let model = MLP(seed: 7)
    let url = directory.appendingPathComponent("for-python.safetensors")
    try model.save(to: url)
    let output = try PythonReference.run(
      PythonReference.imports + """
        tensors = load_file(sys.argv[1])
        print(json.dumps({k: {"shape": list(v.shape), "dtype": str(v.dtype), "values": v.ravel().tolist()}
                          for k, v in tensors.items()}))
        """, arguments: [url.path])
    let decoded = try JSONSerialization.jsonObject(with: Data(output.utf8)) as! [String: [String: Any]]
    XCTAssertEqual(Set(decoded.keys), ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"])
    for (name, tensor) in model.namedTensors() {
      XCTAssertEqual(decoded[name]?["shape"] as? [Int], tensor.shape, name)
      XCTAssertEqual(decoded[name]?["dtype"] as? String, "float32", name)
      let values = (decoded[name]?["values"] as? [Double])?.map { Float($0) }
      XCTAssertEqual(values, tensor.scalars, name)
    }
  }
}
