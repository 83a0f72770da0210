import Foundation

/// Saves and loads models as `model.json` (graph) plus a safetensors file (weights).
///
/// Format, version 1 (JSON Schema: `docs/model.schema.json`):
/// ```json
/// {
///   "format": "ttc-model",
///   "version": 1,
///   "name": "mlp",
///   "inputs": [{"name": "x", "dtype": "f32", "shape": [1, 64]}],
///   "outputs": [{"name": "y", "dtype": "f32", "shape": [1, 10]}],
///   "nodes": [{"name": "fc", "op": "linear", "inputs": ["x", "w", "b"], "outputs": ["y"], "attrs": {}}],
///   "weights": {"file": "mlp.safetensors", "tensors": [{"name": "w", "dtype": "f32", "shape": [64, 10]}]}
/// }
/// ```
/// `weights.file` is relative to the JSON file and `weights.tensors` declares the type of
/// every weight, so a model can be inspected without its weights and a mismatched weights file
/// is caught. Small models can embed weights instead:
/// `"weights": {"inline": {"w": {"dtype": "f32", "shape": [2, 1], "data": "<base64>"}}}`.
///
/// Output is deterministic (fixed key order, sorted attributes and weights), so
/// save → load → save reproduces the same bytes. Files are written to a temporary file and
/// renamed, so a failed save never leaves a partial file.
public enum ModelFile {
  /// The value of the `"format"` key.
  public static let format = "ttc-model"
  /// The format version this build writes and reads.
  public static let version = 1

  /// Where ``save(_:to:weights:)`` puts the weights.
  public enum WeightStorage: Sendable {
    /// A safetensors file next to the JSON (see ``weightsURL(for:)``).
    case external
    /// Base64 inside the JSON; for tiny models and tests.
    case inline
  }

  /// The safetensors file that goes with the model file at `url`: same folder and stem,
  /// extension `.safetensors` (`mlp.json` → `mlp.safetensors`).
  public static func weightsURL(for url: URL) -> URL {
    url.deletingPathExtension().appendingPathExtension("safetensors")
  }

  /// Verifies `graph`, then writes it to `url` and, for ``WeightStorage/external`` storage of a
  /// graph that has weights, its weights to ``weightsURL(for:)``.
  ///
  /// - Throws: ``ModelFileError`` if the graph does not verify or a file cannot be written.
  public static func save(_ graph: Graph, to url: URL, weights storage: WeightStorage = .external)
    throws(ModelFileError)
  {
    do {
      try graph.verify()
    } catch {
      throw ModelFileError(path: url.path, error)
    }
    let weightsURL = weightsURL(for: url)
    let external = storage == .external && !graph.weights.isEmpty
    if external && weightsURL.standardizedFileURL == url.standardizedFileURL {
      throw ModelFileError(
        path: url.path,
        "a model file must not have the extension .safetensors (its weights go there)")
    }
    let document = ModelEncoder.document(
      for: graph, weights: external ? .file(weightsURL.lastPathComponent) : .inline)
    let json = Array(JSONWriter.string(document, style: .readable).utf8)
    if external {
      do {
        try SafeTensors(tensors: graph.weights).write(to: weightsURL)
      } catch {
        throw ModelFileError(path: url.path, "cannot save weights: \(error)")
      }
    }
    do {
      try AtomicFile.write(json, to: url)
    } catch {
      throw ModelFileError(path: url.path, "cannot write file (\(SafeTensors.reason(error)))")
    }
  }

  /// Reads the model at `url` with its weights, checks the weights against their declared
  /// types, and verifies the graph.
  ///
  /// - Parameter allowingWeightsOutsideFolder: accept a `weights.file` with `..` that leaves the
  ///   model's folder (refused by default; an absolute path is always refused).
  /// - Throws: ``ModelFileError`` naming the file (and the node, for graph errors).
  public static func load(from url: URL, allowingWeightsOutsideFolder: Bool = false)
    throws(ModelFileError) -> Graph
  {
    let bytes: [UInt8]
    do {
      bytes = [UInt8](try InputFile.read(url))
    } catch {
      throw ModelFileError(path: url.path, error.reason)
    }
    return try load(
      bytes, path: url.path, weightsFolder: url.deletingLastPathComponent(),
      allowingWeightsOutsideFolder: allowingWeightsOutsideFolder)
  }

  /// Decodes the model document `bytes` (the contents of a `model.json`), reads its weights
  /// from `weightsFolder` when they are in a separate file, and verifies the graph.
  ///
  /// - Parameters:
  ///   - path: names the document in errors.
  ///   - weightsFolder: the folder `weights.file` is relative to; `nil` refuses a model whose
  ///     weights are not inline.
  ///   - allowingWeightsOutsideFolder: as in ``load(from:allowingWeightsOutsideFolder:)``.
  /// - Throws: ``ModelFileError`` naming `path` (and the node, for graph errors).
  public static func load(
    _ bytes: [UInt8], path: String, weightsFolder: URL?, allowingWeightsOutsideFolder: Bool = false
  ) throws(ModelFileError) -> Graph {
    let decoder = ModelDecoder(path: path, allowsWeightsOutsideFolder: allowingWeightsOutsideFolder)
    var (graph, weights) = try decoder.decode(bytes)
    switch weights {
    case .inline(let tensors):
      graph.weights = tensors
    case .file(let file, let declared):
      guard let weightsFolder else {
        throw ModelFileError(path: path, "weights.file \"\(file)\": no folder to read it from")
      }
      graph.weights = try loadWeights(
        declared, from: weightsFolder.appendingPathComponent(file), modelPath: path)
    }
    do {
      try graph.verify()
    } catch {
      throw ModelFileError(path: path, error)
    }
    return graph
  }

  private static func loadWeights(_ declared: [ValueInfo], from weightsURL: URL, modelPath: String)
    throws(ModelFileError) -> [String: TensorData]
  {
    let file: SafeTensors
    do {
      file = try SafeTensors(contentsOf: weightsURL)
    } catch {
      throw ModelFileError(path: modelPath, "weights: \(error)")
    }
    var weights: [String: TensorData] = [:]
    for info in declared {
      guard weights[info.name] == nil else {
        throw ModelFileError(path: modelPath, "weight '\(info.name)' is declared twice")
      }
      guard let tensor = file.tensors[info.name] else {
        throw ModelFileError(
          path: modelPath, "weight '\(info.name)' is missing from \(weightsURL.path)")
      }
      guard tensor.type == info.type else {
        throw ModelFileError(
          path: modelPath,
          "weight '\(info.name)' in \(weightsURL.path) is \(tensor.type), expected \(info.type)")
      }
      weights[info.name] = tensor
    }
    return weights
  }
}
