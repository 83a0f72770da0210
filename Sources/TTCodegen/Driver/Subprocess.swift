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
  /// The program runs in a process group of its own; when it has not finished after `timeout`
  /// seconds, the whole group (a compiler driver and the compilers it started) is killed.
  ///
  /// - Throws: ``CodegenError/toolFailed(_:)`` if the program cannot be started or was killed
  ///   for running past `timeout`.
  static func run(
    _ executable: String, _ arguments: [String], in directory: String? = nil, timeout: Double? = nil
  ) throws(CodegenError) -> Result {
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

    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
    posix_spawnattr_setpgroup(&attributes, 0)

    let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    var pid = pid_t()
    let spawnStatus = posix_spawnp(&pid, executable, &actions, &attributes, argv, environ)
    guard spawnStatus == 0 else {
      throw .toolFailed("cannot run \(executable): \(String(cString: strerror(spawnStatus)))")
    }
    var status: Int32 = 0
    if try !wait(for: pid, status: &status, timeout: timeout) {
      kill(-pid, SIGKILL)
      while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
      throw .toolFailed(
        "\(executable) did not finish within \(timeout ?? 0) seconds and was stopped "
          + "(raise the limit with --compile-timeout)")
    }
    let exitStatus = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return Result(status: exitStatus, output: (try? FileSystem.readText(outputPath)) ?? "")
  }

  /// Waits for `pid` to exit, polling every few milliseconds when there is a `timeout`; returns
  /// false if it is still running after `timeout` seconds.
  private static func wait(for pid: pid_t, status: inout Int32, timeout: Double?) throws(CodegenError) -> Bool
  {
    guard let timeout else {
      while waitpid(pid, &status, 0) < 0 {
        guard errno == EINTR else { throw .toolFailed("waiting for process \(pid) failed") }
      }
      return true
    }
    func now() -> Double {
      var time = timespec()
      clock_gettime(CLOCK_MONOTONIC, &time)
      return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }
    let deadline = now() + timeout
    var pause: UInt32 = 1000  // microseconds, doubling up to 50 ms
    while true {
      let result = waitpid(pid, &status, WNOHANG)
      if result == pid { return true }
      guard result == 0 || errno == EINTR else { throw .toolFailed("waiting for process \(pid) failed") }
      if now() >= deadline { return false }
      usleep(pause)
      pause = Swift.min(pause * 2, 50_000)
    }
  }
}
