import Foundation
import XCTest

@testable import TinyTorch

/// Every argument check that used to be a bare `precondition` (no message in release builds):
/// the throwing form names the call and the values, and the non-throwing API stops the program
/// with that same message (checked in a child process, since a stop cannot be caught).
final class FormerTrapTests: XCTestCase {
  // MARK: The throwing forms

  func testItemOnATensorWithManyElements() {
    assertThrowsTensorError(["Tensor.item", "[3, 4]", "12 elements"]) {
      try Tensor.zeros([3, 4]).itemValue()
    }
    XCTAssertEqual(try Tensor([5]).itemValue(), 5)
  }

  func testRaggedLiterals() {
    assertThrowsTensorError(["row 1 has 1 values, row 0 has 2", "ragged"]) {
      try Tensor(validatingRows: [[1, 2], [3]])
    }
    assertThrowsTensorError(["plane 1, row 0 has 1 values"]) {
      try Tensor(validatingPlanes: [[[1, 2]], [[3]]])
    }
    assertThrowsTensorError(["plane 1 has 2 rows, plane 0 has 1"]) {
      try Tensor(validatingPlanes: [[[1]], [[2], [3]]])
    }
    XCTAssertEqual(try Tensor(validatingRows: [[1, 2], [3, 4]]).shape, [2, 2])
  }

  func testLayerArguments() {
    assertThrowsTensorError(["Dropout(1.5)", "[0, 1]"]) { try Dropout.validate(probability: 1.5) }
    assertThrowsTensorError(["Linear(0, 3)", "positive"]) { try Linear.validate(0, 3) }
    assertThrowsTensorError(["MultiHeadAttention", "dimension 10", "headCount 3"]) {
      try MultiHeadAttention.validate(dimension: 10, headCount: 3)
    }
    assertThrowsTensorError(["GPT.Configuration: layerCount must be positive, got 0"]) {
      try GPT.Configuration(
        vocabularySize: 5, dimension: 4, layerCount: 0, headCount: 2, maxSequenceLength: 4
      )
      .validate()
    }
  }

  func testOptimizerArguments() {
    let frozen = Tensor.zeros([2, 3])
    assertThrowsTensorError(["Adam: parameter 1 (shape [2, 3]) does not require gradients"]) {
      try Adam.validate(parameters: [Tensor.zeros([4], requiresGrad: true), frozen], learningRate: 1e-3)
    }
    assertThrowsTensorError(["SGD(learningRate: -1.0)", "≥ 0"]) {
      try SGD.validate(parameters: [], learningRate: -1)
    }
    assertThrowsTensorError(["Nesterov needs momentum > 0"]) { try SGD.validate(momentum: 0, nesterov: true) }
    assertThrowsTensorError(["beta1: 1.0", "[0, 1)"]) { try Adam.validate(beta1: 1, beta2: 0.9, epsilon: 0) }
  }

  func testSizesOfLayersCachesAndSchedules() {
    assertThrowsTensorError(["Embedding(vocabularySize: 0, dimension: 4)"]) {
      try Embedding.validate(vocabularySize: 0, dimension: 4)
    }
    assertThrowsTensorError(["PositionalEmbedding(maxLength: 0, dimension: 4)"]) {
      try PositionalEmbedding.validate(maxLength: 0, dimension: 4)
    }
    assertThrowsTensorError(["LayerNorm(0)"]) { try LayerNorm.validate(width: 0) }
    assertThrowsTensorError(["BatchNorm2d(-2)"]) { try BatchNorm2d.validate(numFeatures: -2) }
    assertThrowsTensorError(["KVCache(layerCount: 0, batchSize: 1"]) {
      try KVCache.validate(layerCount: 0, batchSize: 1, headCount: 1, maxLength: 1, headDimension: 1)
    }
    assertThrowsTensorError(["StepSchedule(stepSize: 0)"]) { try StepSchedule.validate(stepSize: 0) }
    assertThrowsTensorError(["CosineSchedule(totalEpochs: 0)"]) {
      try CosineSchedule.validate(totalEpochs: 0)
    }
    assertThrowsTensorError(["LinearWarmup(warmupSteps: -1, startFactor: 0.0)"]) {
      try LinearWarmup.validate(warmupSteps: -1, startFactor: 0)
    }
    assertThrowsTensorError(["LinearWarmup(warmupSteps: 3, startFactor: 2.0)"]) {
      try LinearWarmup.validate(warmupSteps: 3, startFactor: 2)
    }
  }

  func testFunctionArguments() {
    assertThrowsTensorError(["clipGradientNorm(maxNorm: -1.0)"]) { try validateClipping(maxNorm: -1) }
    assertThrowsTensorError(["Tensor.arange(0.0, 1.0, step: 0.0)"]) {
      try Tensor.validateRange(0, 1, step: 0)
    }
    assertThrowsTensorError(["Tensor.arange(0.0, inf, step: 1.0)"]) {
      try Tensor.validateRange(0, .infinity, step: 1)
    }
    assertThrowsTensorError(["Tensor.full: negative dimension in shape [2, -1]"]) {
      try Tensor.checkShape([2, -1], op: "Tensor.full")
    }
    assertThrowsTensorError(["Tensor(shape:scalars:): negative dimension in shape [-1]"]) {
      try Tensor(shape: [-1], scalars: [])
    }
  }

  // MARK: The non-throwing forms stop with the message

  /// The calls the issue named, each run in a child process; the test below checks that the
  /// process stops and prints the message (all other checks share the same ``ArgumentCheck``).
  static let stops: [(name: String, message: String, run: @Sendable () -> Void)] = [
    (
      "item", "Tensor.item: needs a one-element tensor, got shape [12] with 12 elements",
      {
        _ = Tensor.zeros([12]).item
      }
    ),
    ("ragged", "Tensor([[Float]]): row 1 has 1 values, row 0 has 2", { _ = Tensor([[1, 2], [3]]) }),
    ("dropout", "Dropout(1.5): the probability must be in [0, 1]", { _ = Dropout(1.5) }),
    (
      "adam", "Adam: parameter 0 (shape [12]) does not require gradients",
      {
        _ = Adam([Tensor.zeros([12])])
      }
    ),
  ]

  static let caseVariable = "TINYTORCH_STOP_CASE"

  /// In a child process started by the test below: runs one case (which must stop the process).
  func testStopCaseInChildProcess() {
    guard let name = ProcessInfo.processInfo.environment[Self.caseVariable] else { return }
    Self.stops.first { $0.name == name }?.run()
    print("case \(name) did not stop")
  }

  func testEachCheckStopsTheProgramWithItsMessage() throws {
    let binary = CommandLine.arguments[0]
    guard binary.hasSuffix(".xctest") || FileManager.default.isExecutableFile(atPath: binary) else {
      throw XCTSkip("cannot rerun the test binary \(binary)")
    }
    // All children start at once; each writes its stderr to its own file.
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stops-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let children = try Self.stops.map { stop -> (Process, URL) in
      let log = directory.appendingPathComponent(stop.name)
      _ = FileManager.default.createFile(atPath: log.path, contents: nil)
      let process = Process()
      process.executableURL = URL(fileURLWithPath: binary)
      process.arguments = ["TinyTorchTests.FormerTrapTests/testStopCaseInChildProcess"]
      process.environment = ProcessInfo.processInfo.environment.merging([Self.caseVariable: stop.name]) { $1 }
      process.standardError = try FileHandle(forWritingTo: log)
      process.standardOutput = FileHandle.nullDevice
      try process.run()
      return (process, log)
    }
    for (stop, (process, log)) in zip(Self.stops, children) {
      process.waitUntilExit()
      let text = try String(contentsOf: log, encoding: .utf8)
      XCTAssertEqual(process.terminationReason, .uncaughtSignal, "\(stop.name) did not stop the program")
      XCTAssertTrue(
        text.contains(stop.message), "\(stop.name): '\(stop.message)' not in: \(text.suffix(400))")
    }
  }
}
