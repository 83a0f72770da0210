import Foundation

/// Reading the files a model is made of (model.json, its safetensors weights, `.npy` inputs,
/// ONNX files), which are untrusted and may be anything: only a regular file is read, so a folder
/// gives a clear message and a FIFO or device cannot hang the reader.
public enum InputFile {
  /// The whole file at `url`.
  ///
  /// - Throws: a one-line reason (without the path): "is a folder, not a file", "is not a regular
  ///   file (a FIFO, socket or device)", or the system's reason it cannot be read.
  /// - Parameter mapped: map the file into memory instead of copying it (when the system allows),
  ///   for large files whose contents are copied out once (weights); the file must not be
  ///   truncated while the data is in use.
  public static func read(_ url: URL, mapped: Bool = false) throws(InputFileProblem) -> Data {
    var info = stat()
    if stat(url.path, &info) == 0 {
      switch info.st_mode & S_IFMT {
      case S_IFREG: break
      case S_IFDIR: throw InputFileProblem(reason: "is a folder, not a file")
      default: throw InputFileProblem(reason: "is not a regular file (a FIFO, socket or device)")
      }
    }
    // Foundation's `.mappedIfSafe` reads the file on Linux; `.alwaysMapped` maps it. A file
    // that cannot be mapped (an empty one, some file systems) is read instead.
    if mapped, let data = try? Data(contentsOf: url, options: .alwaysMapped) { return data }
    do {
      return try Data(contentsOf: url)
    } catch {
      throw InputFileProblem(reason: "cannot read file (\(SafeTensors.reason(error)))")
    }
  }
}

/// Why ``InputFile/read(_:mapped:)`` failed.
public struct InputFileProblem: Error {
  /// One line, without the path.
  public let reason: String
}
