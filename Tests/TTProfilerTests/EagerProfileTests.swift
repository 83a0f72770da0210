import Foundation
import MallocStatistics
import TTIR
import TTProfiler
import TestSupport
import TinyTorch
import XCTest

/// The profiler in eager mode: per-module costs against hand counts, nested module times, the
/// measured peak against the allocations made, a training step's forward/backward split, and the
/// module a failing call names.
final class EagerProfileTests: XCTestCase {
  /// 8 → 16 → relu → 3, the graph tests' MLP as modules.
  private func mlp() -> Sequential {
    Sequential(Linear(8, 16, seed: 1), ReLU(), Linear(16, 3, seed: 2))
  }

  private func byName(_ profile: Profile) -> [String: ProfiledNode] {
    Dictionary(profile.nodes.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
  }

  func testForwardCountsEveryModuleCallByHand() throws {
    let profile = try Profiler(warmup: 1, runs: 3).profile(mlp(), input: Tensor.randn([4, 8], seed: 3))
    XCTAssertEqual(profile.engine, .eager)
    XCTAssertEqual(profile.nodes.map(\.name), ["(model)", "layers.0", "layers.1", "layers.2"])
    XCTAssertEqual(profile.nodes.map(\.kind), ["Sequential", "Linear", "ReLU", "Linear"])
    let nodes = byName(profile)
    XCTAssertEqual(nodes["layers.0"]?.flops, 2 * 4 * 8 * 16 + 4 * 16)
    XCTAssertEqual(nodes["layers.0"]?.bytesRead, (4 * 8 + 8 * 16 + 16) * 4)
    XCTAssertEqual(nodes["layers.0"]?.bytesWritten, 4 * 16 * 4)
    XCTAssertEqual(nodes["layers.1"]?.flops, 4 * 16)
    XCTAssertEqual(nodes["layers.2"]?.flops, 2 * 4 * 16 * 3 + 4 * 3)
    XCTAssertEqual(nodes["(model)"]?.flops, 1088 + 64 + 396)
    XCTAssertEqual(nodes["layers.0"]?.parameterCount, 8 * 16 + 16)
    XCTAssertEqual(nodes["(model)"]?.parameterCount, 8 * 16 + 16 + 16 * 3 + 3)
    XCTAssertEqual(nodes["layers.2"]?.output, "f32[4, 3]")
    XCTAssertEqual(profile.totalFLOPs, 1548)
    XCTAssertEqual(profile.runDurations.count, 3)
    // Module calls nest: each child lies inside the model's call.
    for run in 0..<3 {
      let model = profile.nodes[0]
      for child in profile.nodes.dropFirst() {
        XCTAssertGreaterThanOrEqual(child.starts[run], model.starts[run])
        XCTAssertLessThanOrEqual(
          child.starts[run] + child.durations[run], model.starts[run] + model.durations[run] + 1e-9)
      }
    }
  }

  func testConvolutionModuleCountsByHand() throws {
    let model = Sequential(Conv2d(2, 4, kernelSize: 3, seed: 1), ReLU(), Flatten(), Linear(64, 5, seed: 2))
    let profile = try Profiler(warmup: 0, runs: 1).profile(model, input: Tensor.randn([1, 2, 6, 6], seed: 3))
    let nodes = byName(profile)
    // 2·N·O·OH·OW·C·kh·kw + N·O·OH·OW (bias), output [1, 4, 4, 4].
    XCTAssertEqual(nodes["layers.0"]?.flops, 2 * 64 * 2 * 9 + 64)
    XCTAssertEqual(nodes["layers.0"]?.parameterCount, 4 * 2 * 9 + 4)
    XCTAssertEqual(nodes["layers.0"]?.output, "f32[1, 4, 4, 4]")
    XCTAssertEqual(nodes["layers.3"]?.flops, 2 * 64 * 5 + 5)
    XCTAssertEqual(nodes["layers.2"]?.flops, 0)
  }

  func testForwardPeakIsWithinTenPercentOfTheAllocationsMade() throws {
    // h = fc1(x) and relu(h) are alive together (2 · 64·512 floats); then h is freed and the
    // 64×10 output is made. Inputs and weights existed before and are not counted.
    let model = Sequential(Linear(256, 512, seed: 1), ReLU(), Linear(512, 10, seed: 2))
    let profile = try Profiler(warmup: 1, runs: 3).profile(model, input: Tensor.randn([64, 256], seed: 3))
    let expected = 2 * 64 * 512 * 4
    XCTAssertEqual(Double(profile.memory.bytes), Double(expected), accuracy: 0.1 * Double(expected))
    XCTAssertEqual(profile.memory.source, .measuredAllocations)
    // Every run made h, relu(h) and the output.
    let made = (64 * 512 * 2 + 64 * 10) * 4
    XCTAssertEqual(Double(profile.memory.totalAllocatedBytes), Double(made), accuracy: 0.1 * Double(made))
  }

  func testTheCounterAgreesWithTheAllocator() throws {
    // glibc's own count of bytes in use (small chunks plus mmap'd ones) before and while the
    // counted tensors are alive.
    func inUse() -> Int { Int(malloc_bytes_in_use()) }
    let counter = TensorAllocationCounter()
    let before = inUse()
    let tensors = counter.withCounting {
      [Tensor.zeros([1 << 18]), Tensor.ones([512, 512]), Tensor.randn([300, 700], seed: 1)]
    }
    let allocated = inUse() - before
    XCTAssertEqual(Double(counter.liveBytes), Double(allocated), accuracy: 0.1 * Double(allocated))
    XCTAssertEqual(counter.liveBuffers, 3)
    let expected = ((1 << 18) + 512 * 512 + 300 * 700) * 4
    XCTAssertEqual(Double(counter.peakBytes), Double(expected), accuracy: 0.01 * Double(expected))
    // A reshape shares its storage: counted once.
    let reshaped = try counter.withCounting { try tensors[1].reshaped([1024, 256]) }
    XCTAssertEqual(counter.liveBuffers, 3, "the reshape shares tensors[1]'s buffer \(reshaped.shape)")
    withExtendedLifetime(tensors) {}
  }

  func testTrainingStepSplitsForwardAndBackwardAndCountsBothByHand() throws {
    let model = mlp()
    let optimizer = SGD(model.parameters(), learningRate: 0.01)
    let profile = try Profiler(warmup: 1, runs: 3).profileTrainingStep(
      model, input: Tensor.randn([4, 8], seed: 3), target: Tensor([0, 1, 2, 1]), loss: Loss.crossEntropy,
      optimizer: optimizer)
    XCTAssertEqual(profile.phases.map(\.name), ["forward", "backward", "optimizer"])
    XCTAssertTrue(profile.phases.allSatisfy { $0.durations.count == 3 && $0.durations.allSatisfy { $0 > 0 } })
    // Forward 1548 (as above). Backward: fc1's weight 2·4·8·16 and bias 4·16 (x needs no
    // gradient), relu 4·16, fc2's input and weight 2·4·16·3 each and bias 4·3.
    XCTAssertEqual(profile.phases[0].flops, 1548)
    XCTAssertEqual(profile.phases[1].flops, 1024 + 64 + 64 + 384 + 384 + 12)
    XCTAssertEqual(profile.totalFLOPs, 1548 + 1932)
    XCTAssertEqual(profile.nodes.map(\.name), ["(model)", "layers.0", "layers.1", "layers.2"])
    XCTAssertGreaterThan(profile.memory.bytes, 0)
    let eval = try Profiler(warmup: 0, runs: 1).profile(model, input: Tensor.randn([4, 8], seed: 3))
    XCTAssertGreaterThan(profile.memory.bytes, eval.memory.bytes, "gradients are part of a step's peak")
  }

  func testAFailingModuleIsNamed() throws {
    let model = Sequential(Linear(8, 16, seed: 1), ReLU(), Linear(5, 3, seed: 2))
    XCTAssertThrowsError(try Profiler().profile(model, input: Tensor.randn([4, 8], seed: 3))) { error in
      XCTAssertEqual((error as? ProfileError)?.location, "layers.2")
      XCTAssertTrue("\(error)".hasPrefix("eager: module 'layers.2' (Linear) threw: linear: "), "\(error)")
    }
  }

  func testEagerTraceNestsModuleCalls() throws {
    let profile = try Profiler(warmup: 0, runs: 2).profile(mlp(), input: Tensor.randn([4, 8], seed: 3))
    let document =
      try JSONSerialization.jsonObject(with: Data(ChromeTrace.json(profile).utf8)) as? [String: Any]
    let events = try XCTUnwrap(document?["traceEvents"] as? [[String: Any]])
    XCTAssertEqual(events.count, 2 * 4)
    XCTAssertEqual(
      events.prefix(4).compactMap { $0["cat"] as? String }, ["Sequential", "Linear", "ReLU", "Linear"])
  }
}
