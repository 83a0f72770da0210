import Glibc

/// A directory of compiled libraries, one entry per cache key.
///
/// Layout: `<root>/<key>/` holds `lib<model>-<key prefix>.so`, the generated `model.c`, the runtime
/// headers, `weights.bin` and a `manifest` recording the library's size and SHA-256. Entries are
/// built in a temporary directory and renamed into place in one step, so a concurrent reader never
/// sees a torn entry, and an existing entry is never overwritten (its library may be loaded).
/// An entry whose library is missing, truncated or altered is detected by the manifest, removed,
/// and rebuilt. Runtime objects live in `<root>/runtime-<key>/`.
public struct CompileCache: Sendable {
  /// The cache directory.
  public let root: String

  /// A cache at `root`.
  public init(root: String) { self.root = root }

  /// The default cache: `$XDG_CACHE_HOME/ttc`, else `$HOME/.cache/ttc`.
  public static var defaultRoot: String {
    if let xdg = getenv("XDG_CACHE_HOME").map({ String(cString: $0) }), !xdg.isEmpty { return xdg + "/ttc" }
    let home = getenv("HOME").map { String(cString: $0) } ?? "/tmp"
    return home + "/.cache/ttc"
  }

  /// One valid entry.
  public struct Entry: Sendable, Hashable {
    /// The cache key.
    public var key: String
    /// The entry directory.
    public var directory: String
    /// The library path.
    public var library: String
    /// The library size in bytes.
    public var libraryBytes: Int
  }

  /// The valid entry for `key`, or `nil`. A corrupted entry is removed and reported as absent.
  public func entry(forKey key: String) -> Entry? {
    let directory = "\(root)/\(key)"
    guard FileSystem.exists(directory) else { return nil }
    guard let entry = try? validate(directory: directory, key: key) else {
      discard(directory)
      return nil
    }
    return entry
  }

  /// Every valid entry, by key.
  public func entries() -> [Entry] {
    FileSystem.list(root).filter { $0.count == 64 }.compactMap { try? validate(directory: "\(root)/\($0)", key: $0) }
  }

  /// Removes every entry and runtime build.
  public func clear() { for name in FileSystem.list(root) { FileSystem.remove("\(root)/\(name)") } }

  /// A fresh private directory to build an entry in.
  func makeBuildDirectory() throws(CodegenError) -> String {
    try FileSystem.makeTemporaryDirectory(in: root, prefix: "build-")
  }

  /// Records `library` (a file in `buildDirectory`) in a manifest and moves the directory into
  /// place as the entry for `key`. If another process stored the key first, its entry is kept.
  func commit(buildDirectory: String, library: String, key: String) throws(CodegenError) -> Entry {
    let bytes = try FileSystem.read("\(buildDirectory)/\(library)")
    let manifest = "key=\(key)\nlibrary=\(library)\nbytes=\(bytes.count)\nsha256=\(SHA256.hex(bytes))\n"
    try FileSystem.write(manifest, to: "\(buildDirectory)/manifest")
    let directory = "\(root)/\(key)"
    if Glibc.rename(buildDirectory, directory) != 0 {
      FileSystem.remove(buildDirectory)
      guard let existing = entry(forKey: key) else {
        throw .io("cannot move the built library into \(directory): \(FileSystem.errorText())")
      }
      return existing
    }
    return Entry(key: key, directory: directory, library: "\(directory)/\(library)", libraryBytes: bytes.count)
  }

  private func validate(directory: String, key: String) throws(CodegenError) -> Entry {
    var fields: [String: String] = [:]
    for line in try FileSystem.readText("\(directory)/manifest").split(separator: "\n") {
      let parts = line.split(separator: "=", maxSplits: 1)
      if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
    }
    guard fields["key"] == key, let library = fields["library"], let size = fields["bytes"].flatMap(Int.init),
      let digest = fields["sha256"]
    else { throw .io("bad manifest in \(directory)") }
    let path = "\(directory)/\(library)"
    guard FileSystem.size(path) == size, SHA256.hex(try FileSystem.read(path)) == digest else {
      throw .io("library \(path) does not match its manifest")
    }
    return Entry(key: key, directory: directory, library: path, libraryBytes: size)
  }

  /// Moves a bad entry aside atomically, then deletes it.
  private func discard(_ directory: String) {
    let trash = "\(directory).discarded-\(getpid())"
    if Glibc.rename(directory, trash) == 0 { FileSystem.remove(trash) }
  }
}
