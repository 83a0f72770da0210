import Glibc

/// A private folder one compile builds its cache entry in, named `build-XXXXXX` in the cache.
///
/// While this object lives, the folder's `.lock` file is held with `flock`, so cache cleaning
/// (``CompileCache/removeOrphanedBuilds(now:)``, ``CompileCache/clear()``) never removes a build
/// that a live compile is using; the lock disappears with the process, so a folder left by a
/// killed compile is recognised as orphaned.
final class BuildDirectory {
  /// The folder.
  let path: String
  private let lock: Int32

  /// Creates a fresh build folder in `root` and locks it.
  init(in root: String) throws(CodegenError) {
    path = try FileSystem.makeTemporaryDirectory(in: root, prefix: BuildDirectory.prefix)
    lock = open(path + "/" + BuildDirectory.lockName, O_CREAT | O_WRONLY | O_CLOEXEC, 0o644)
    guard lock >= 0, flock(lock, LOCK_EX) == 0 else {
      throw .io("cannot lock the build directory \(path): \(FileSystem.errorText())")
    }
  }

  deinit { close(lock) }

  /// The name prefix of build folders.
  static let prefix = "build-"
  /// The lock file inside a build folder.
  static let lockName = ".lock"

  /// Whether a live process holds the build folder at `path` (its lock is taken).
  static func isInUse(_ path: String) -> Bool {
    let descriptor = open(path + "/" + lockName, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return false }
    defer { close(descriptor) }
    return flock(descriptor, LOCK_EX | LOCK_NB) != 0
  }
}
