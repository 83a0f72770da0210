import Foundation

/// What a finished child process printed and how it exited.
public struct ProcessResult: Sendable {
  public let status: Int32
  public let stdout: String
  public let stderr: String

  /// Standard output followed by standard error, for failure messages.
  public var output: String { stdout + stderr }
}

/// Runs `executable` with `arguments` (in `directory` when given, with `environment` replacing
/// the inherited one when given) and waits for it. Both pipes are drained concurrently, so a
/// child that writes a lot to standard error cannot block.
public func runProcess(
  _ executable: URL, _ arguments: [String], in directory: URL? = nil,
  environment: [String: String]? = nil
) throws -> ProcessResult {
  let process = Process()
  process.executableURL = executable
  process.arguments = arguments
  if let directory { process.currentDirectoryURL = directory }
  if let environment { process.environment = environment }
  let (out, err) = (Pipe(), Pipe())
  process.standardOutput = out
  process.standardError = err
  try process.run()
  let stderrData = DrainedPipe(err)
  let stdout = out.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return ProcessResult(
    status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
    stderr: String(decoding: stderrData.wait(), as: UTF8.self))
}

/// Runs a program found on `PATH` (through `/usr/bin/env`), e.g. `python3`.
public func runProgram(_ name: String, _ arguments: [String], in directory: URL? = nil) throws
  -> ProcessResult
{
  try runProcess(URL(fileURLWithPath: "/usr/bin/env"), [name] + arguments, in: directory)
}

/// Reads a pipe to its end on a background thread.
private final class DrainedPipe: @unchecked Sendable {
  private var data = Data()
  private let done = DispatchSemaphore(value: 0)

  init(_ pipe: Pipe) {
    let handle = pipe.fileHandleForReading
    Thread.detachNewThread { [self] in
      data = handle.readDataToEndOfFile()
      done.signal()
    }
  }

  func wait() -> Data {
    done.wait()
    return data
  }
}

/// The built `ttc` executable: beside the test bundle (the build products folder), else
/// `.build/debug/ttc` under the package root; `nil` when it has not been built.
public func ttcExecutable() -> URL? {
  let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
  let candidates = [
    Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("ttc"),
    Bundle(for: BundleMarker.self).bundleURL.deletingLastPathComponent().appendingPathComponent("ttc"),
    packageRoot.appendingPathComponent(".build/debug/ttc"),
  ]
  return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
}

/// A class of this module, whose bundle is the test bundle it is linked into.
private final class BundleMarker {}
