import Foundation

/// Writes files so that readers never see a partial file.
enum AtomicFile {
  /// Writes `bytes` to a temporary file next to `url`, then renames it over `url`.
  ///
  /// - Throws: Foundation's error when the directory is missing or not writable; `url` is
  ///   then untouched.
  static func write(_ bytes: [UInt8], to url: URL) throws {
    try Data(bytes).write(to: url, options: .atomic)
  }
}
