import Foundation
import Glibc
import TTIR

/// The one check every `ttc` command that writes files makes before it computes anything: no
/// output may be a file the command reads (the model.json, its weights file, an input `.npy`,
/// a library), and no two outputs may be the same file.
///
/// "The same file" is decided by device and inode, after following symlinks, so a symlink or a
/// hard link to the model is caught as well as the model's own path; outputs that do not exist
/// yet are compared by their symlink-resolved absolute paths.
enum OutputPaths {
  /// The files a command reads for the model at `path`: the model.json and its weights file.
  static func modelFiles(_ path: String) -> [String] {
    [path, ModelFile.weightsURL(for: URL(fileURLWithPath: path)).path]
  }

  /// Refuses the first output that is one of `inputs` or an earlier output.
  ///
  /// - Parameters:
  ///   - outputs: Each output path with the option that named it (e.g. `--emit-c`), for the message.
  ///   - inputs: Every file the command reads.
  /// - Throws: ``CommandFailure``: one line naming the option, the path and the file it would replace.
  static func check(_ outputs: [(option: String, path: String)], reading inputs: [String]) throws {
    var taken: [(Identity, String)] = inputs.compactMap { input in
      guard case .file? = identity(of: input) else { return nil }  // a missing input is not read
      return (identity(of: input)!, "the input \(input)")
    }
    for (option, path) in outputs {
      let target = identity(of: path)
      if let target, let clash = taken.first(where: { $0.0 == target }) {
        throw CommandFailure(
          "\(option) \(path): refusing to overwrite \(clash.1) (it is the same file); choose another path")
      }
      if let target { taken.append((target, "the \(option) output \(path)")) }
    }
  }

  /// What makes two paths the same file.
  private enum Identity: Equatable {
    /// An existing file: its device and inode.
    case file(dev_t, ino_t)
    /// A file that does not exist yet: its absolute path with the folder's symlinks resolved.
    case path(String)
  }

  private static func identity(of path: String) -> Identity? {
    var info = stat()
    if stat(path, &info) == 0 { return .file(info.st_dev, info.st_ino) }
    guard errno == ENOENT else { return nil }
    let url = URL(fileURLWithPath: path).standardizedFileURL
    let folder = url.deletingLastPathComponent().resolvingSymlinksInPath().path
    return .path(folder + "/" + url.lastPathComponent)
  }
}
