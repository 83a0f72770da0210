import Dispatch
import Foundation
import ONNXConformance

// onnx-conformance CASES_DIR [--table FILE] [--passed FILE] [--interpreter-only] [--filter TEXT]
//   [--cache-dir DIR]
// Runs every case folder in CASES_DIR (written by scripts/onnx_conformance_cases.py), as many at
// once as there are cores.
var arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String, in arguments: inout [String]) -> String? {
  guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
  let value = arguments[index + 1]
  arguments.removeSubrange(index...(index + 1))
  return value
}
let table = option("--table", in: &arguments)
let passedList = option("--passed", in: &arguments)
let filter = option("--filter", in: &arguments)
let cacheDirectory = option("--cache-dir", in: &arguments)
let compiling = !arguments.contains("--interpreter-only")
arguments.removeAll { $0 == "--interpreter-only" }
guard arguments.count == 1 else {
  FileHandle.standardError.write(
    Data(
      ("usage: onnx-conformance CASES_DIR [--table FILE] [--passed FILE] [--interpreter-only] "
        + "[--filter TEXT] [--cache-dir DIR]\n").utf8))
  exit(2)
}
let cases = ConformanceCase.all(in: URL(fileURLWithPath: arguments[0]))
  .filter { filter == nil || $0.name.contains(filter!) }
let report = ConformanceReport(
  results: ConformanceRunner(compile: compiling, cacheDirectory: cacheDirectory).runAll(cases),
  compiling: compiling)
if let table { try report.markdown.write(toFile: table, atomically: true, encoding: .utf8) }
if let passedList {
  let names = report.results.filter { $0.status(compiling: compiling) == "passed" }.map(\.name)
  try (names.joined(separator: "\n") + "\n").write(toFile: passedList, atomically: true, encoding: .utf8)
}
print(report.summary)
