import Foundation
import TTFuzzing
import XCTest

/// A short deterministic fuzz run of every target (the CI part of the fuzzing harness; longer
/// runs under libFuzzer: `scripts/fuzz.sh`). A crash stops the test process and fails the suite;
/// `ttfuzz TARGET --runs N --seed 1` replays the same inputs.
final class FuzzCampaignTests: XCTestCase {
  static let repository = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// Built once: importing the ONNX seeds is the slow part.
  nonisolated(unsafe) static var seeds: [FuzzTarget: [[UInt8]]]?

  static func seeds(for target: FuzzTarget) throws -> [[UInt8]] {
    if seeds == nil { seeds = try SeedCorpus.seeds(repository: repository, onnxStride: 4) }
    return seeds![target] ?? []
  }

  func runCampaign(_ target: FuzzTarget, executions: Int) throws {
    let seeds = try Self.seeds(for: target)
    XCTAssertGreaterThan(seeds.count, 5, "\(target.rawValue) has seeds")
    let report = FuzzCampaign(target: target, seeds: seeds).run(executions: executions, seed: 1)
    XCTAssertEqual(report.executions, executions)
    // Every seed is a valid file, and some mutants must be accepted too, or the run only
    // exercises the first checks of the reader.
    XCTAssertGreaterThan(report.accepted, seeds.count, "\(target.rawValue): \(report)")
    XCTAssertLessThan(report.accepted, executions, "\(target.rawValue): mutants are refused too")
  }

  func testModelJSON() throws { try runCampaign(.modelJSON, executions: 8000) }
  func testSafetensors() throws { try runCampaign(.safetensors, executions: 15000) }
  func testNpy() throws { try runCampaign(.npy, executions: 15000) }
  func testONNX() throws { try runCampaign(.onnx, executions: 8000) }

  func testSameSeedSameRun() throws {
    let campaign = FuzzCampaign(target: .npy, seeds: try Self.seeds(for: .npy))
    var first: [[UInt8]] = []
    var second: [[UInt8]] = []
    _ = campaign.run(executions: 200, seed: 7) { first.append($0) }
    _ = campaign.run(executions: 200, seed: 7) { second.append($0) }
    XCTAssertEqual(first, second)
  }
}
