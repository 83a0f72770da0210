import Foundation
import TTIR

/// Checkpoints in PyTorch's conventions: a `state_dict` saved as safetensors
/// (`safetensors.torch.save_file(model.state_dict(), path)`, or a Hugging Face model folder with
/// `config.json` and `model.safetensors`), loaded into the matching Swift model with one call,
/// and Swift models saved so that PyTorch's `load_state_dict` takes them.
///
/// Each module declares its PyTorch names and layouts (``Module/pytorchConvention``), so the
/// loader always knows which convention a file follows: ``Linear`` weights are transposed from
/// PyTorch's `[out, in]`, also when square; ``BatchNorm2d``'s `running_mean`, `running_var` and
/// `num_batches_tracked` are recognized; ``Sequential`` children are `0.`, `1.`, ….
///
/// ```swift
/// let model = Sequential(Linear(784, 128), ReLU(), Linear(128, 10))
/// let report = try model.loadPyTorchStateDict(from: URL(fileURLWithPath: "mlp.safetensors"))
/// print(report)                         // conversions, and tolerated keys with strict: false
/// try model.savePyTorchStateDict(to: URL(fileURLWithPath: "back.safetensors"))
/// ```
extension Module {
  /// This module's parameters and buffers as a PyTorch `state_dict`: PyTorch names and layouts,
  /// Float32, plus PyTorch-only buffers such as `num_batches_tracked`.
  public func pytorchStateDict() -> [String: TensorData] {
    let (entries, extras) = pytorchEntries()
    var tensors: [String: TensorData] = [:]
    for entry in entries {
      let values =
        entry.isTransposed
        ? Self.transposed(entry.tensor.scalars, shape: entry.tensor.shape) : entry.tensor.scalars
      tensors[entry.name] = TensorData(values, shape: entry.pytorchShape)
    }
    for (name, data) in extras { tensors[name] = data }
    return tensors
  }

  /// Writes ``pytorchStateDict()`` as safetensors with the metadata `{"format": "pt"}` that
  /// Hugging Face writes, so `model.load_state_dict(safetensors.torch.load_file(path))` takes it.
  public func savePyTorchStateDict(to url: URL) throws {
    try SafeTensors(tensors: pytorchStateDict(), metadata: ["format": "pt"]).write(to: url)
  }

  /// Loads a PyTorch `state_dict` from a safetensors file, or from a Hugging Face model folder
  /// holding `model.safetensors`.
  ///
  /// A checkpoint of a larger model that nests this one under its
  /// ``PyTorchConvention/checkpointPrefix`` (`bert.embeddings.…` for ``BertModel``) loads too:
  /// when none of the model's own names is there, the names under the prefix are used, and
  /// the other entries (a task head such as `cls.…`) are unexpected keys.
  ///
  /// - Parameters:
  ///   - url: a `.safetensors` file, or a folder holding `model.safetensors`.
  ///   - strict: as in PyTorch: when true, every missing and every unexpected key is an error;
  ///     when false both are tolerated and listed in the report. Shape mismatches are always
  ///     errors.
  /// - Returns: what was tolerated and which element types were converted to Float32.
  /// - Throws: one error naming the file and listing every mismatch (nothing is loaded then), or
  ///   the reader's error for a malformed or truncated file.
  @discardableResult
  public func loadPyTorchStateDict(from url: URL, strict: Bool = true) throws -> StateDictLoadReport {
    var isDirectory: ObjCBool = false
    let file =
      FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
      ? url.appendingPathComponent("model.safetensors") : url
    let contents = try SafeTensors(contentsOf: file)
    do {
      return try loadPyTorchStateDict(
        contents.tensors, strict: strict, fileTypes: contents.convertedDTypes)
    } catch let error as TensorError {
      throw TensorError.invalidArgument("\(file.path): \(error.description)")
    }
  }

  /// Loads a PyTorch `state_dict` given as tensors by name (see ``loadPyTorchStateDict(from:strict:)``).
  ///
  /// - Parameters:
  ///   - tensors: the checkpoint's tensors by PyTorch name.
  ///   - strict: as in ``loadPyTorchStateDict(from:strict:)``.
  ///   - fileTypes: the file's element type of tensors the reader already converted
  ///     (`TTIR.SafeTensors.convertedDTypes`), for the report.
  @discardableResult
  public func loadPyTorchStateDict(
    _ tensors: [String: TensorData], strict: Bool = true, fileTypes: [String: String] = [:]
  ) throws -> StateDictLoadReport {
    let (entries, extras) = pytorchEntries()
    // A checkpoint of a larger model nesting this one (`bert.…`): its names under the prefix.
    var keyPrefix = ""
    if let prefix = pytorchConvention.checkpointPrefix, !entries.contains(where: { tensors[$0.name] != nil }),
      tensors.keys.contains(where: { $0.hasPrefix(prefix + ".") })
    {
      keyPrefix = prefix + "."
    }
    func stored(_ entry: PyTorchEntry) -> TensorData? { tensors[keyPrefix + entry.name] }
    var mismatch = StateDictMismatch()
    for entry in entries {
      guard let data = stored(entry) else {
        mismatch.missing.append((entry.name, entry.pytorchShape))
        continue
      }
      if data.shape != entry.pytorchShape {
        let layout = entry.isTransposed ? " (PyTorch layout [out, in] of '\(entry.swiftName)')" : ""
        mismatch.misshapen.append(
          "tensor '\(entry.name)' has shape \(data.shape), the model expects \(entry.pytorchShape)\(layout)")
      }
    }
    let known = Set((entries.map(\.name) + extras.map(\.name)).map { keyPrefix + $0 })
    mismatch.unexpected = tensors.keys.sorted().filter { !known.contains($0) }.map {
      ($0, tensors[$0]!.shape)
    }
    try mismatch.check(strict: strict, context: "loadPyTorchStateDict (\(type(of: self)))")

    var report = mismatch.report
    report.keyPrefix = keyPrefix.isEmpty ? nil : keyPrefix
    for entry in entries {
      guard let data = stored(entry) else { continue }
      if let original = fileTypes[keyPrefix + entry.name] {
        report.conversions[entry.name] = original
      } else if data.dtype != .f32 {
        report.conversions[entry.name] = data.dtype.rawValue.uppercased()
      }
      let values = data.floats()
      entry.tensor.scalars =
        entry.isTransposed ? Self.transposed(values, shape: entry.pytorchShape) : values
    }
    return report
  }

  /// The transpose of a row-major `[rows, columns]` matrix.
  static func transposed(_ values: [Float], shape: [Int]) -> [Float] {
    let (rows, columns) = (shape[0], shape[1])
    var result = [Float](repeating: 0, count: values.count)
    for r in 0..<rows {
      for c in 0..<columns { result[c * rows + r] = values[r * columns + c] }
    }
    return result
  }
}
