import Glibc

/// Runs a program with `posix_spawn` (about 60× cheaper than Foundation's `Process` on Linux) and
/// captures what it writes to stdout and stderr.
enum Subprocess {
  /// The outcome of one run.
  struct Result {
    /// The exit status (128 + signal number when killed by a signal).
    var status: Int32
    /// stdout and stderr, interleaved as written.
    var output: String
  }

  private typealias AddChdir =
    @convention(c) (
      UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>
    ) -> Int32

  /// glibc ≥ 2.29's `posix_spawn_file_actions_addchdir_np`, which Swift's Glibc module does not
  /// expose; looked up once.
  private static let addChdirFunction: AddChdir? = dlsym(
    UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np"
  ).map { unsafeBitCast($0, to: AddChdir.self) }

  /// Runs `executable` with `arguments` in `directory` (or the current directory).
  ///
  /// - Throws: ``CodegenError/toolFailed(_:)`` if the program cannot be started.
  static func run(_ executable: String, _ arguments: [String], in directory: String? = nil)
    throws(CodegenError)
    -> Result
  {
    var template = Array("/tmp/ttc-output-XXXXXX".utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard fd >= 0 else { throw .toolFailed("cannot create a temporary file for \(executable)'s output") }
    let outputPath = FileSystem.string(fromCString: template)
    defer {
      close(fd)
      unlink(outputPath)
    }

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, fd, 1)
    posix_spawn_file_actions_adddup2(&actions, fd, 2)
    if let directory {
      guard let addChdir = addChdirFunction else {
        throw .toolFailed("this C library lacks posix_spawn_file_actions_addchdir_np")
      }
      _ = addChdir(&actions, directory)
    }

    let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    var pid = pid_t()
    let spawnStatus = posix_spawnp(&pid, executable, &actions, nil, argv, environ)
    guard spawnStatus == 0 else {
      throw .toolFailed("cannot run \(executable): \(String(cString: strerror(spawnStatus)))")
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 {
      guard errno == EINTR else { throw .toolFailed("waiting for \(executable) failed") }
    }
    let exitStatus = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return Result(status: exitStatus, output: (try? FileSystem.readText(outputPath)) ?? "")
  }
}
