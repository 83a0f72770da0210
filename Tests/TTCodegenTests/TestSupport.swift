import Foundation
import Glibc
import TTCodegen
import TTIR
import TTLoader
import XCTest

/// A fresh cache directory per test, removed afterwards.
func makeCacheDirectory() -> String {
  var template = Array("/tmp/ttc-test-cache-XXXXXX".utf8CString)
  _ = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
  return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

func removeTree(_ path: String) {
  let status = system("rm -rf '\(path)'")
  precondition(status == 0)
}

/// Deterministic values in [-1, 1).
func randomValues(_ count: Int, seed: UInt64) -> [Float] {
  var state = seed &* 6_364_136_223_846_793_005 &+ 1
  return (0..<count).map { _ in
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return Float(state >> 40) / Float(1 << 23) - 1
  }
}

/// Compiles `graph` into a private cache, loads it, runs it on `inputs`.
func compileAndRun(_ graph: Graph, _ inputs: [[Float]], cache: String) throws -> [[Float]] {
  let artifact = try ModelCompiler.compile(graph, options: CompileOptions(cacheDirectory: cache))
  let model = try CompiledModel(path: artifact.libraryPath, expecting: artifact.graphHash)
  return try model.run(inputs)
}

/// Tolerance rule: |a - b| ≤ 1e-4 · max(1, |b|) (relative, with an absolute floor of 1e-4 near 0).
func assertClose(
  _ actual: [Float], _ expected: [Float], _ message: String, file: StaticString = #filePath,
  line: UInt = #line
) {
  XCTAssertEqual(actual.count, expected.count, message, file: file, line: line)
  for (index, (a, b)) in zip(actual, expected).enumerated() where !(abs(a - b) <= 1e-4 * max(1, abs(b))) {
    XCTFail("\(message): element \(index) is \(a), expected \(b)", file: file, line: line)
    return
  }
}
