import ArgumentParser
import Foundation

/// A failure reported to the user as one line on stderr, `error: <message>`.
struct CommandFailure: Error, CustomStringConvertible {
  /// What went wrong, already naming the file (and node or input) at fault.
  let description: String

  init(_ description: String) { self.description = description }
}

/// Runs a command body, turning any error into one `error: …` line on stderr and exit code 1
/// (no stack trace, no usage text).
func reportingErrors(_ body: () throws -> Void) throws {
  do {
    try body()
  } catch let exit as ExitCode {
    throw exit
  } catch {
    let line = "\(error)".replacingOccurrences(of: "\n", with: " ")
    FileHandle.standardError.write(Data("error: \(line)\n".utf8))
    throw ExitCode.failure
  }
}

/// Writes `text` to `path` through a temporary file and a rename, so a failure never leaves a
/// partial file behind.
func writeAtomically(_ text: String, to path: String) throws {
  do {
    try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
  } catch {
    throw CommandFailure("\(path): cannot write file (\(error.localizedDescription))")
  }
}
