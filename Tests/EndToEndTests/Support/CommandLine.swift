import Foundation
import TTIR
import XCTest

/// The debug `ttc` binary built by `swift build` (scripts/test.sh builds it before testing).
let ttcBinary = repositoryRoot.appendingPathComponent(".build/debug/ttc").path

/// What one `ttc` run printed and returned.
struct CommandResult {
  var status: Int32
  var stdout: String
  var stderr: String
}

/// Why a command-line test could not run.
struct MissingBinary: Error, CustomStringConvertible {
  var description: String { "\(ttcBinary) is missing: run `swift build --product ttc` first" }
}

/// Runs `ttc` with `arguments` in `directory`, with `XDG_CACHE_HOME` pointing into it.
func ttc(_ arguments: [String], in directory: URL) throws -> CommandResult {
  guard FileManager.default.isExecutableFile(atPath: ttcBinary) else { throw MissingBinary() }
  let process = Process()
  process.executableURL = URL(fileURLWithPath: ttcBinary)
  process.arguments = arguments
  process.currentDirectoryURL = directory
  var environment = ProcessInfo.processInfo.environment
  environment["XDG_CACHE_HOME"] = directory.appendingPathComponent("xdg").path
  process.environment = environment
  let (out, err) = (Pipe(), Pipe())
  process.standardOutput = out
  process.standardError = err
  try process.run()
  let stdout = out.fileHandleForReading.readDataToEndOfFile()
  let stderr = err.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return CommandResult(
    status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
    stderr: String(decoding: stderr, as: UTF8.self))
}

/// A small model file `<name>.json` in `directory`: x[2, 4] → exp → log → relu → linear[4, 3].
@discardableResult
func writeSmallModel(_ name: String, in directory: URL, bias: Float = 0.5) throws -> String {
  var builder = GraphBuilder(name: name)
  let x = builder.input("x", .f32, [2, 4])
  let logged = builder.add(.log, [builder.add(.exp, [x], name: "exp")], name: "log")
  let weight = builder.weight("fc.weight", TensorData((0..<12).map { Float($0) / 10 - 0.5 }, shape: [4, 3]))
  let biasValue = builder.weight("fc.bias", TensorData([bias, -bias, 0], shape: [3]))
  builder.output(builder.add(.linear, [builder.add(.relu, [logged], name: "relu"), weight, biasValue], name: "fc"))
  try ModelFile.save(try builder.build(), to: directory.appendingPathComponent("\(name).json"))
  return "\(name).json"
}

/// Writes `values` as a float32 `.npy` file.
func writeNumpy(_ values: [Float], shape: [Int], to url: URL) throws {
  try NumpyFile(shape: shape, elements: .float32(values)).write(to: url)
}

/// Writes an executable shell script.
func writeScript(_ text: String, to url: URL) throws {
  try text.write(to: url, atomically: true, encoding: .utf8)
  try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
}
