import Glibc

/// Small POSIX file helpers with errors that name the path.
enum FileSystem {
  /// Whether something exists at `path`.
  static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

  /// The size of the file at `path`, or `nil` if there is none.
  static func size(_ path: String) -> Int? {
    var info = stat()
    return stat(path, &info) == 0 ? Int(info.st_size) : nil
  }

  /// The last modification time of `path` (seconds since the epoch), or `nil` if there is none.
  static func modificationTime(_ path: String) -> Int? {
    var info = stat()
    return lstat(path, &info) == 0 ? Int(info.st_mtim.tv_sec) : nil
  }

  /// Reads a whole file.
  static func read(_ path: String) throws(CodegenError) -> [UInt8] {
    guard let file = fopen(path, "rb") else { throw .io("cannot read \(path): \(errorText())") }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
      if count == 0 { break }
      bytes.append(contentsOf: chunk[..<count])
    }
    guard ferror(file) == 0 else { throw .io("cannot read \(path): \(errorText())") }
    return bytes
  }

  /// Reads a whole file as UTF-8 text.
  static func readText(_ path: String) throws(CodegenError) -> String {
    String(decoding: try read(path), as: UTF8.self)
  }

  /// Writes `bytes` to `path`, replacing it.
  static func write(_ bytes: some Collection<UInt8>, to path: String) throws(CodegenError) {
    guard let file = fopen(path, "wb") else { throw .io("cannot write \(path): \(errorText())") }
    let array = Array(bytes)
    let written = array.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
    let closed = fclose(file)
    guard written == array.count, closed == 0 else { throw .io("cannot write \(path): \(errorText())") }
  }

  /// Writes UTF-8 text to `path`, replacing it.
  static func write(_ text: String, to path: String) throws(CodegenError) {
    try write(Array(text.utf8), to: path)
  }

  /// Creates `path` and its missing parents.
  static func createDirectory(_ path: String) throws(CodegenError) {
    var prefix = path.hasPrefix("/") ? "" : "."
    for component in path.split(separator: "/") {
      prefix += "/" + component
      if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
        throw .io("cannot create directory \(prefix): \(errorText())")
      }
    }
  }

  /// A fresh directory under `parent`, named `prefix` plus a unique suffix.
  static func makeTemporaryDirectory(in parent: String, prefix: String) throws(CodegenError) -> String {
    try createDirectory(parent)
    var template = Array("\(parent)/\(prefix)XXXXXX".utf8CString)
    guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
      throw .io("cannot create a temporary directory in \(parent): \(errorText())")
    }
    return string(fromCString: template)
  }

  /// The names in a directory (without `.` and `..`), sorted; empty if it does not exist.
  static func list(_ path: String) -> [String] {
    guard let directory = opendir(path) else { return [] }
    defer { closedir(directory) }
    var names: [String] = []
    while let entry = readdir(directory) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
      }
      if name != "." && name != ".." { names.append(name) }
    }
    return names.sorted()
  }

  /// Removes a file or a directory tree; missing paths are fine.
  static func remove(_ path: String) {
    var info = stat()
    guard lstat(path, &info) == 0 else { return }
    if info.st_mode & S_IFMT == S_IFDIR {
      for name in list(path) { remove(path + "/" + name) }
      rmdir(path)
    } else {
      unlink(path)
    }
  }

  /// Atomically renames `source` to `destination`.
  static func rename(_ source: String, to destination: String) throws(CodegenError) {
    guard Glibc.rename(source, destination) == 0 else {
      throw .io("cannot rename \(source) to \(destination): \(errorText())")
    }
  }

  /// The text of a NUL-terminated C string held in an array.
  static func string(fromCString characters: [CChar]) -> String {
    String(decoding: characters.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  /// The text of the current `errno`.
  static func errorText() -> String { String(cString: strerror(errno)) }
}
