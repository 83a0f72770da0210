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
    FileHandle.standardError.write(Data("error: \(oneLine("\(error)"))\n".utf8))
    throw ExitCode.failure
  }
}

/// `message` made safe for a terminal: newlines become spaces, other control characters
/// (names in a model file may hold any) are written as `\u{1B}`, and lines over 2,000 characters
/// are cut.
func oneLine(_ message: String) -> String {
  var result = ""
  for scalar in message.unicodeScalars.prefix(2000) {
    switch scalar.value {
    case 0x0A, 0x0D: result += " "
    case 0..<0x20, 0x7F..<0xA0: result += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
    default: result.unicodeScalars.append(scalar)
    }
  }
  return message.unicodeScalars.count > 2000 ? result + "…" : result
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
