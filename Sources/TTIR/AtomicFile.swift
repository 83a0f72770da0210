import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Writes files so that readers never see a partial file.
enum AtomicFile {
  /// Writes `bytes` to a temporary file next to `url`, then renames it over `url`.
  ///
  /// - Throws: ``FileWriteProblem`` when the directory is missing or not writable; `url` is
  ///   then untouched.
  static func write(_ bytes: [UInt8], to url: URL) throws(FileWriteProblem) {
    try write(chunks: [bytes], to: url)
  }

  /// Writes the concatenation of `chunks` (each written as it is, never joined in memory, so a
  /// large file is not copied first) to a temporary file next to `url`, then renames it over
  /// `url`; on failure the temporary file is removed and `url` is untouched.
  static func write(chunks: [[UInt8]], to url: URL) throws(FileWriteProblem) {
    let temporary = url.deletingLastPathComponent()
      .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp").path
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
    guard descriptor >= 0 else { throw FileWriteProblem.fromErrno() }
    var problem: FileWriteProblem?
    for chunk in chunks where problem == nil {
      chunk.withUnsafeBytes { buffer in
        var offset = 0
        while offset < buffer.count, problem == nil {
          let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
          if written > 0 {
            offset += written
          } else if written == 0 || errno != EINTR {
            problem = .fromErrno()
          }
        }
      }
    }
    if close(descriptor) != 0, problem == nil { problem = .fromErrno() }
    if problem == nil, rename(temporary, url.path) != 0 { problem = .fromErrno() }
    if let problem {
      unlink(temporary)
      throw problem
    }
  }
}

/// Why a file could not be written: the system's one-line reason (without the path).
struct FileWriteProblem: Error, CustomStringConvertible {
  let reason: String
  var description: String { reason }

  /// The reason `errno` gives.
  static func fromErrno() -> FileWriteProblem { FileWriteProblem(reason: String(cString: strerror(errno))) }
}
