import Foundation
import TTIR
import TinyTorch

/// Traces a trained model and writes what `ttc` needs into `directory`:
/// `<name>.json` (the graph), `<name>.safetensors` (its weights) and `<name>-input.npy`
/// (the example input, ready for `ttc run --input`). Returns the model file's URL.
///
/// The model is traced in evaluation mode on `example`; the example's leading axis is the batch
/// axis, which `ttc compile --batch N` can re-specialize.
@discardableResult
public func exportModel(_ model: Module, example: Tensor, name: String, to directory: String) throws -> URL {
  let folder = URL(fileURLWithPath: directory, isDirectory: true)
  try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  let graph = try trace(model, example: example, name: name)
  let modelURL = folder.appendingPathComponent("\(name).json")
  try ModelFile.save(graph, to: modelURL)
  try example.saveNumpy(to: folder.appendingPathComponent("\(name)-input.npy"))
  print("exported \(graph.nodes.count) nodes, \(graph.weights.count) weights → \(modelURL.path)")
  return modelURL
}
