import Foundation
import Glibc

/// Installs a built file at a user-chosen path atomically: the bytes go to a temporary file in the
/// destination's directory, which is then renamed over the destination, so a reader never sees a
/// partial library and a failure leaves the old file (if any) untouched.
enum OutputFile {
  /// Copies `source` to `destination` (mode 0755); callers check `destination` with
  /// ``OutputPaths/check(_:reading:)`` first.
  ///
  /// - Throws: ``CommandFailure`` with one line naming the path and the reason.
  static func install(_ source: String, at destination: String) throws {
    let bytes: Data
    do {
      bytes = try Data(contentsOf: URL(fileURLWithPath: source))
    } catch {
      throw CommandFailure("cannot read the compiled library \(source): \(error.localizedDescription)")
    }
    let directory = (destination as NSString).deletingLastPathComponent
    let name = (destination as NSString).lastPathComponent
    var template = Array("\(directory.isEmpty ? "." : directory)/.\(name).tmp-XXXXXX".utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard fd >= 0 else {
      throw CommandFailure("cannot write \(destination): \(String(cString: strerror(errno)))")
    }
    let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    var failure: String?
    let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    if written != bytes.count { failure = String(cString: strerror(errno)) }
    if failure == nil, fchmod(fd, 0o755) != 0 { failure = String(cString: strerror(errno)) }
    if close(fd) != 0, failure == nil { failure = String(cString: strerror(errno)) }
    if failure == nil, rename(temporary, destination) != 0 { failure = String(cString: strerror(errno)) }
    if let failure {
      unlink(temporary)
      throw CommandFailure("cannot write \(destination): \(failure)")
    }
  }
}
