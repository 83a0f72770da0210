import Foundation
import TTIR
import XCTest

@testable import TinyTorch

final class PyTorchCheckpointTests: XCTestCase {
  /// conv → batch norm → relu, then a square Linear and an output Linear; in PyTorch:
  /// `features = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU())`,
  /// `fc = nn.Linear(8, 8)`, `out = nn.Linear(8, 3)`.
  final class Net: Module {
    let features = Sequential(Conv2d(1, 2, kernelSize: 3, seed: 1), BatchNorm2d(2), ReLU())
    let fc = Linear(8, 8, seed: 2)
    let out = Linear(8, 3, seed: 3)
    override func forward(_ x: Tensor) throws -> Tensor {
      try out(fc(features(x).flattened(startAxis: 1)).relu())
    }
  }

  /// PyTorch's names and shapes for ``Net``.
  static let pytorchShapes: [String: [Int]] = [
    "features.0.weight": [2, 1, 3, 3], "features.0.bias": [2], "features.1.weight": [2],
    "features.1.bias": [2], "features.1.running_mean": [2], "features.1.running_var": [2],
    "features.1.num_batches_tracked": [], "fc.weight": [8, 8], "fc.bias": [8], "out.weight": [3, 8],
    "out.bias": [3],
  ]

  /// A state dict in PyTorch's layout with distinct values `k + 0.01·i` per tensor.
  func pytorchState() -> [String: TensorData] {
    var state: [String: TensorData] = [:]
    for (k, (name, shape)) in Self.pytorchShapes.sorted(by: { $0.key < $1.key }).enumerated() {
      if name.hasSuffix("num_batches_tracked") {
        state[name] = TensorData(int64s: [7], shape: [])
      } else if name.hasSuffix("running_var") {
        state[name] = TensorData([1.5, 0.5], shape: shape)
      } else {
        let count = shape.reduce(1, *)
        state[name] = TensorData((0..<count).map { Float(k) * 0.1 + 0.01 * Float($0) - 0.3 }, shape: shape)
      }
    }
    return state
  }

  var directory: URL!
  override func setUpWithError() throws { directory = try Fixtures.temporaryDirectory() }
  override func tearDownWithError() throws { try FileManager.default.removeItem(at: directory) }

  func testNamesAndShapesFollowPyTorch() {
    let state = Net().pytorchStateDict()
    XCTAssertEqual(state.mapValues(\.shape), Self.pytorchShapes)
    XCTAssertEqual(state["features.1.num_batches_tracked"]?.dtype, .i64)
  }

  func testASquareLinearLoadsTransposedAndComputesWhatPyTorchComputes() throws {
    let state = pytorchState()
    let net = Net()
    let report = try net.loadPyTorchStateDict(state)
    XCTAssertEqual(report.missingKeys, [])
    XCTAssertEqual(report.unexpectedKeys, [])
    // PyTorch's Linear: y[o] = Σᵢ W[o][i]·x[i] + b[o] with W stored [out, in].
    let w = state["fc.weight"]!.floats()
    let b = state["fc.bias"]!.floats()
    let x = (0..<8).map { Float($0) * 0.25 - 1 }
    let y = try net.fc(Tensor([x])).scalars
    for o in 0..<8 {
      let expected = (0..<8).reduce(b[o]) { $0 + w[o * 8 + $1] * x[$1] }
      XCTAssertEqual(y[o], expected, accuracy: 1e-5, "output \(o)")
    }
    XCTAssertEqual(
      net.features.layers[1].namedTensors().first { $0.0 == "runningVar" }?.1.scalars, [1.5, 0.5])
  }

  func testSaveThenLoadRoundTripsAndWritesThePtFormatMark() throws {
    let url = directory.appendingPathComponent("net.safetensors")
    let original = Net()
    try original.savePyTorchStateDict(to: url)
    let file = try SafeTensors(contentsOf: url)
    XCTAssertEqual(file.metadata, ["format": "pt"])
    XCTAssertEqual(
      file.tensors["fc.weight"]!.floats(), Module.transposed(original.fc.weight.scalars, shape: [8, 8]))
    let copy = Net()
    try copy.loadPyTorchStateDict(from: url)
    for ((name, a), (_, b)) in zip(original.namedTensors(), copy.namedTensors()) {
      XCTAssertEqual(a.scalars, b.scalars, name)
    }
    // The native loader knows this is not its layout.
    assertThrowsTensorError(["PyTorch state_dict", "loadPyTorchStateDict"]) { try copy.load(from: url) }
  }

  func testAHuggingFaceFolderLoadsFromItsModelFile() throws {
    let folder = directory.appendingPathComponent("hf-model")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try Data("{}".utf8).write(to: folder.appendingPathComponent("config.json"))
    try SafeTensors(tensors: pytorchState()).write(to: folder.appendingPathComponent("model.safetensors"))
    let net = Net()
    try net.loadPyTorchStateDict(from: folder)
    XCTAssertEqual(net.out.bias!.scalars, pytorchState()["out.bias"]!.floats())
  }

  func testStrictListsEveryMissingAndUnexpectedKeyInOneError() throws {
    var state = pytorchState()
    state["fc.bias"] = nil
    state["out.weight"] = nil
    state["head.weight"] = TensorData([1], shape: [1])
    let net = Net()
    let before = net.fc.weight.scalars
    assertThrowsTensorError([
      "3 problems", "missing tensor 'fc.bias' (shape [8])", "missing tensor 'out.weight' (shape [3, 8])",
      "unexpected tensor 'head.weight' (shape [1])",
    ]) { try net.loadPyTorchStateDict(state) }
    XCTAssertEqual(net.fc.weight.scalars, before, "nothing loads when the check fails")

    let report = try net.loadPyTorchStateDict(state, strict: false)
    XCTAssertEqual(report.missingKeys, ["fc.bias", "out.weight"])
    XCTAssertEqual(report.unexpectedKeys, ["head.weight"])
    XCTAssertNotEqual(net.fc.weight.scalars, before)
    XCTAssertTrue(
      report.description.contains("missing (left as they were): fc.bias, out.weight"), report.description)
  }

  func testAWrongArchitectureListsEveryMismatch() throws {
    // A checkpoint of nn.Linear(8, 5) layers where the model has 8 → 8 and 8 → 3.
    var state = pytorchState()
    state["fc.weight"] = TensorData([Float](repeating: 0, count: 40), shape: [5, 8])
    state["out.weight"] = TensorData([Float](repeating: 0, count: 40), shape: [8, 5])
    state["features.1.running_mean"] = nil
    assertThrowsTensorError([
      "missing tensor 'features.1.running_mean'",
      "tensor 'fc.weight' has shape [5, 8], the model expects [8, 8] (PyTorch layout [out, in] of 'fc.weight')",
      "tensor 'out.weight' has shape [8, 5], the model expects [3, 8]",
    ]) { try Net().loadPyTorchStateDict(state) }
    // Shape mismatches are errors even when not strict, as in PyTorch.
    assertThrowsTensorError(["'out.weight' has shape [8, 5]"]) {
      try Net().loadPyTorchStateDict(state, strict: false)
    }
  }

  func testConvertedElementTypesAreReported() throws {
    var state = pytorchState()
    state["fc.bias"] = TensorData(halves: [Float](repeating: 0.5, count: 8), shape: [8])
    state["out.bias"] = TensorData(int64s: [1, 2, 3], shape: [3])
    let report = try Net().loadPyTorchStateDict(state, fileTypes: ["features.0.bias": "F64"])
    XCTAssertEqual(report.conversions, ["fc.bias": "F16", "out.bias": "I64", "features.0.bias": "F64"])
    XCTAssertTrue(
      report.description.contains("converted 1 tensor from F16 to F32: fc.bias"), report.description)
  }

  func testWideFloatAndBFloat16FilesAreReadAndReported() throws {
    // Hand-written F64 and BF16 entries (the writer only writes the IR's types).
    let f64: [Double] = [0.25, -0.5, 1, 2]
    let bf16: [UInt16] = [0x3F80, 0xC000, 0x3E80]  // 1, −2, 0.25
    var data: [UInt8] = []
    for value in f64 { withUnsafeBytes(of: value.bitPattern.littleEndian) { data += $0 } }
    for value in bf16 { withUnsafeBytes(of: value.littleEndian) { data += $0 } }
    let header =
      #"{"a":{"dtype":"F64","shape":[4],"data_offsets":[0,32]},"b":{"dtype":"BF16","shape":[3],"data_offsets":[32,38]}}"#
    var bytes: [UInt8] = []
    withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { bytes += $0 }
    bytes += Array(header.utf8) + data
    let file = try SafeTensors(bytes: bytes)
    XCTAssertEqual(file.tensors["a"]?.floats(), [0.25, -0.5, 1, 2])
    XCTAssertEqual(file.tensors["b"]?.floats(), [1, -2, 0.25])
    XCTAssertEqual(file.convertedDTypes, ["a": "F64", "b": "BF16"])
  }

  func testATruncatedFileIsRefusedWithItsPath() throws {
    let url = directory.appendingPathComponent("cut.safetensors")
    try Net().savePyTorchStateDict(to: url)
    let bytes = try Data(contentsOf: url)
    try bytes.prefix(bytes.count - 10).write(to: url)
    XCTAssertThrowsError(try Net().loadPyTorchStateDict(from: url)) { error in
      let text = "\(error)"
      XCTAssertTrue(text.contains(url.path) && text.contains("truncated"), text)
    }
  }

  // MARK: Against Python (NumPy + safetensors), skipped where they are missing

  /// `nn.Sequential(nn.Linear(4, 4), nn.ReLU(), nn.Linear(4, 3))` in NumPy.
  static let mlpScript = """
    def forward(state, x):
        h = np.maximum(x @ state["0.weight"].T + state["0.bias"], 0)
        return h @ state["2.weight"].T + state["2.bias"]

    """

  func testLoadsAStateDictWrittenByPythonAndComputesTheSameOutputs() throws {
    let weights = directory.appendingPathComponent("py.safetensors")
    let io = directory.appendingPathComponent("io.safetensors")
    _ = try PythonReference.run(
      PythonReference.imports + Self.mlpScript + """
        rng = np.random.default_rng(0)
        state = {"0.weight": rng.standard_normal((4, 4)), "0.bias": rng.standard_normal(4),
                 "2.weight": rng.standard_normal((3, 4)), "2.bias": rng.standard_normal(3)}
        state = {k: v.astype(np.float32) for k, v in state.items()}
        x = rng.standard_normal((5, 4)).astype(np.float32)
        save_file(state, sys.argv[1], metadata={"format": "pt"})
        save_file({"x": x, "y": forward(state, x)}, sys.argv[2])
        """, arguments: [weights.path, io.path])
    let model = Sequential(Linear(4, 4), ReLU(), Linear(4, 3))
    let report = try model.loadPyTorchStateDict(from: weights)
    XCTAssertEqual(report, StateDictLoadReport())
    let reference = try SafeTensors(contentsOf: io).tensors
    let x = try Tensor(shape: [5, 4], scalars: reference["x"]!.floats())
    assertValues(try model(x), [5, 3], reference["y"]!.floats(), accuracy: 1e-5)
  }

  func testPythonReadsWhatWeSaveInPyTorchLayout() throws {
    let weights = directory.appendingPathComponent("swift.safetensors")
    let model = Sequential(Linear(4, 4, seed: 1), ReLU(), Linear(4, 3, seed: 2))
    try model.savePyTorchStateDict(to: weights)
    let x = Tensor.uniform([2, 4], seed: 3)
    let output = try PythonReference.run(
      PythonReference.imports + Self.mlpScript + """
        state = load_file(sys.argv[1])
        x = np.array(json.loads(sys.argv[2]), dtype=np.float32).reshape(2, 4)
        print(json.dumps({"shapes": {k: list(v.shape) for k, v in state.items()},
                          "dtypes": sorted({str(v.dtype) for v in state.values()}),
                          "y": forward(state, x).ravel().tolist()}))
        """, arguments: [weights.path, "\(x.scalars)"])
    let decoded = try JSONSerialization.jsonObject(with: Data(output.utf8)) as! [String: Any]
    XCTAssertEqual(
      decoded["shapes"] as? [String: [Int]],
      ["0.weight": [4, 4], "0.bias": [4], "2.weight": [3, 4], "2.bias": [3]])
    XCTAssertEqual(decoded["dtypes"] as? [String], ["float32"])
    let y = (decoded["y"] as! [Double]).map { Float($0) }
    assertValues(try model(x), [2, 3], y, accuracy: 1e-5)
  }
}
