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
///
/// The folder is marked as a ttc cache by `CACHEDIR.TAG` (the Cache Directory Tagging convention,
/// so backup tools skip it too) when ttc creates it; ``clear()`` refuses any unmarked folder and
/// deletes only names of this layout. A `build-*` folder left by a killed compile is removed by
/// the next compile once it is ``orphanAge`` old and no live compile holds its lock.
public struct CompileCache: Sendable {
  /// The cache directory.
  public let root: String

  /// The folder of compiled runtime objects (``RuntimeObject``): `<root>/runtime`, or
  /// `$TTC_RUNTIME_CACHE` when that is set to a folder that several caches share (a test suite
  /// creates many temporary caches and would otherwise compile the kernels once for each). Sharing
  /// is safe: an object's name is a hash of the runtime sources, the compiler and its flags, and its
  /// SHA-256 is checked before every use.
  public let runtimeObjectsFolder: String

  /// A cache at `root`; a relative path is taken from the current directory once, here (the C
  /// compiler runs in a build folder, where a relative path would point elsewhere).
  public init(root: String) {
    let root = Self.absolute(root)
    self.root = root
    let shared = getenv("TTC_RUNTIME_CACHE").map { String(cString: $0) } ?? ""
    runtimeObjectsFolder = shared.isEmpty ? "\(root)/\(RuntimeObject.folderName)" : Self.absolute(shared)
  }

  /// `path` made absolute against the current directory.
  private static func absolute(_ path: String) -> String {
    guard !path.hasPrefix("/"), let cwd = getcwd(nil, 0) else { return path }
    defer { free(cwd) }
    return String(cString: cwd) + "/" + path
  }

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

  /// The file that marks a folder as a ttc compile cache.
  public static let markerName = "CACHEDIR.TAG"
  static let markerText =
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    + "# This folder is a ttc compile cache; `ttc cache clear` empties it.\n"

  /// Seconds after which a build folder that no live compile holds counts as orphaned.
  public static let orphanAge = 3600

  /// Whether ``root`` holds the marker ttc writes when it creates a cache.
  public var isMarked: Bool { (try? FileSystem.readText("\(root)/\(Self.markerName)")) == Self.markerText }

  /// Whether `name` belongs to the cache layout: an entry (64 hex digits), a build folder, a kept
  /// failed build, an entry being discarded, the compiler identities, the cached runtime objects, or
  /// `ttc peak`'s measurements.
  static func isLayoutName(_ name: String) -> Bool {
    func isHex(_ text: Substring) -> Bool {
      !text.isEmpty && text.allSatisfy { "0123456789abcdef".contains($0) }
    }
    if let range = name.range(of: ".discarded-") {
      return isHex(name[..<range.lowerBound]) && name[range.upperBound...].allSatisfy(\.isNumber)
    }
    if name.hasPrefix(BuildDirectory.prefix) { return name.count == BuildDirectory.prefix.count + 6 }
    if name.hasPrefix("failed-") { return isHex(name.dropFirst("failed-".count)) }
    return name == "compilers" || name == RuntimeObject.folderName || name == "peak"
      || (name.count == 64 && isHex(name[...]))
  }

  /// Creates the cache folder if needed and marks it when it is new, empty, or holds only names
  /// of the cache layout (a cache made before markers existed). A folder with anything else in it
  /// is still used, but stays unmarked, so ``clear()`` refuses it.
  func prepare() throws(CodegenError) {
    try FileSystem.createDirectory(root)
    guard !isMarked, FileSystem.list(root).allSatisfy(Self.isLayoutName) else { return }
    try FileSystem.write(Self.markerText, to: "\(root)/\(Self.markerName)")
  }

  /// What ``clear()`` removed and left.
  public struct ClearReport: Sendable, Hashable {
    /// Valid entries removed.
    public var entries = 0
    /// Names removed in all (entries, failed and orphaned builds, compiler identities).
    public var removed = 0
    /// Names left: build folders of live compiles, and anything not of the cache layout.
    public var kept: [String] = []
  }

  /// Empties the cache: removes every entry, kept failed build, remembered compiler identity and
  /// build folder no live compile holds. Names outside the cache layout and the marker are left.
  ///
  /// - Throws: ``CodegenError/io(_:)`` without deleting anything when ``root`` is not marked as a
  ///   ttc cache (for example `--cache-dir ~` by mistake).
  public func clear() throws(CodegenError) -> ClearReport {
    var report = ClearReport()
    guard FileSystem.exists(root) else { return report }
    guard isMarked else {
      throw .io(
        "\(root) is not a ttc compile cache (it has no \(Self.markerName) written by ttc); nothing was deleted"
      )
    }
    report.entries = entries().count
    for name in FileSystem.list(root) where name != Self.markerName {
      let path = "\(root)/\(name)"
      if !Self.isLayoutName(name) || (name.hasPrefix(BuildDirectory.prefix) && BuildDirectory.isInUse(path)) {
        report.kept.append(name)
      } else {
        FileSystem.remove(path)
        report.removed += 1
      }
    }
    return report
  }

  /// Removes build folders and half-discarded entries left behind by killed compiles: those at
  /// least `age` seconds old whose lock no live compile holds. Returns how many were removed.
  @discardableResult
  public func removeOrphanedBuilds(olderThan age: Int = CompileCache.orphanAge) -> Int {
    var removed = 0
    for name in FileSystem.list(root)
    where (name.hasPrefix(BuildDirectory.prefix) || name.contains(".discarded-")) && Self.isLayoutName(name) {
      let path = "\(root)/\(name)"
      guard let modified = FileSystem.modificationTime(path), time(nil) - modified >= age,
        !BuildDirectory.isInUse(path)
      else { continue }
      FileSystem.remove(path)
      removed += 1
    }
    return removed
  }

  /// A fresh, locked, private directory to build an entry in (orphaned ones are cleaned first).
  func makeBuildDirectory() throws(CodegenError) -> BuildDirectory {
    try prepare()
    removeOrphanedBuilds()
    return try BuildDirectory(in: root)
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
