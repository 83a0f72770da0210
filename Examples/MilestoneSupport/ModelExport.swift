import Foundation
import TTIR
import TinyTorch

/// Traces `model` on `example` and saves the graph as `<directory>/<name>.json` with its weights in
/// `<name>.safetensors` (the input of `ttc compile`). Returns the path of the JSON file.
@discardableResult
public func exportModel(_ model: Module, example: Tensor, name: String, to directory: String) throws -> String {
  let folder = URL(fileURLWithPath: directory, isDirectory: true)
  try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  let url = folder.appendingPathComponent("\(name).json")
  try ModelFile.save(try trace(model, example: example, name: name), to: url)
  print("exported \(url.path)")
  return url.path
}
