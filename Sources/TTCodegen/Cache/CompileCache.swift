import Glibc

/// A directory of compiled libraries, one entry per cache key.
///
/// Layout: `<root>/<key>/` holds `lib<model>-<key prefix>.so`, the generated `model.c`, the runtime
/// sources, `weights.bin` and a `manifest` recording the library's size and SHA-256 and the memory
/// plan's sizes (so a cache hit can report them without regenerating the C). Entries are
/// built in a temporary directory and renamed into place in one step, so a concurrent reader never
/// sees a torn entry, and an existing entry is never overwritten (its library may be loaded).
/// An entry whose library is missing, truncated or altered is detected by the manifest, removed,
/// and rebuilt. `<root>/compilers/` remembers compiler identities (see ``identity(of:)``).
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
    /// The workspace arena size recorded when the entry was built.
    public var arenaBytes: Int
    /// The sum of intermediate sizes the arena replaces, recorded when the entry was built.
    public var unsharedBytes: Int
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
    FileSystem.list(root).filter { $0.count == 64 }.compactMap {
      try? validate(directory: "\(root)/\($0)", key: $0)
    }
  }

  /// Removes every entry and remembered compiler identity.
  public func clear() { for name in FileSystem.list(root) { FileSystem.remove("\(root)/\(name)") } }

  /// A fresh private directory to build an entry in.
  func makeBuildDirectory() throws(CodegenError) -> String {
    try FileSystem.makeTemporaryDirectory(in: root, prefix: "build-")
  }

  /// Records `library` (a file in `buildDirectory`) and the memory `plan` in a manifest and moves
  /// the directory into place as the entry for `key`. If another process stored the key first,
  /// its entry is kept.
  func commit(buildDirectory: String, library: String, key: String, plan: MemoryPlan) throws(CodegenError)
    -> Entry
  {
    let bytes = try FileSystem.read("\(buildDirectory)/\(library)")
    let manifest =
      "key=\(key)\nlibrary=\(library)\nbytes=\(bytes.count)\nsha256=\(SHA256.hex(bytes))\n"
      + "arena=\(plan.arenaBytes)\nunshared=\(plan.unsharedBytes)\n"
    try FileSystem.write(manifest, to: "\(buildDirectory)/manifest")
    let directory = "\(root)/\(key)"
    if Glibc.rename(buildDirectory, directory) != 0 {
      FileSystem.remove(buildDirectory)
      guard let existing = entry(forKey: key) else {
        throw .io("cannot move the built library into \(directory): \(FileSystem.errorText())")
      }
      return existing
    }
    return Entry(
      key: key, directory: directory, library: "\(directory)/\(library)", libraryBytes: bytes.count,
      arenaBytes: plan.arenaBytes, unsharedBytes: plan.unsharedBytes)
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
    return Entry(
      key: key, directory: directory, library: path, libraryBytes: size,
      arenaBytes: fields["arena"].flatMap(Int.init) ?? 0,
      unsharedBytes: fields["unshared"].flatMap(Int.init) ?? 0)
  }

  /// `compiler.identity()` (the first line of `--version`), remembered in `<root>/compilers/` per
  /// executable file (path, inode, size and modification time), so that a cache hit does not
  /// start the compiler. Replacing or upgrading the compiler changes the file's stat and so
  /// runs `--version` again.
  func identity(of compiler: CCompiler) throws(CodegenError) -> String {
    var info = stat()
    guard stat(compiler.executable, &info) == 0 else { return try compiler.identity() }
    let stamp =
      "\(compiler.executable) \(info.st_dev) \(info.st_ino) \(info.st_size) "
      + "\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
    let path = "\(root)/compilers/\(SHA256.hex(Array(stamp.utf8)).prefix(32))"
    if let text = try? FileSystem.readText(path), text.hasPrefix(stamp + "\n") {
      return String(text.dropFirst(stamp.count + 1).prefix { $0 != "\n" })
    }
    let identity = try compiler.identity()
    if (try? FileSystem.createDirectory("\(root)/compilers")) != nil {
      let temporary = "\(path).tmp-\(getpid())"
      if (try? FileSystem.write("\(stamp)\n\(identity)\n", to: temporary)) != nil {
        if Glibc.rename(temporary, path) != 0 { FileSystem.remove(temporary) }
      }
    }
    return identity
  }

  /// Moves a bad entry aside atomically, then deletes it.
  private func discard(_ directory: String) {
    let trash = "\(directory).discarded-\(getpid())"
    if Glibc.rename(directory, trash) == 0 { FileSystem.remove(trash) }
  }
}
