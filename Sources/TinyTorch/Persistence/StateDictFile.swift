import Foundation
import TTIR

/// Saves and loads ``StateDict``s as safetensors files, byte-compatible with Python's
/// `safetensors` package (`safetensors.numpy.save_file` / `load_file`, `safetensors.torch`).
///
/// ```swift
/// try model.save(to: url)                       // every parameter and buffer, as F32
/// let restored = MLP()
/// try restored.load(from: url)                  // throws on missing or misshapen tensors
/// ```
public enum StateDictFile {
  /// Writes `state` to `url` as F32 tensors (atomically), with optional string metadata.
  ///
  /// - Throws: when two entries share a name, or the file cannot be written.
  public static func save(_ state: StateDict, to url: URL, metadata: [String: String] = [:]) throws {
    var tensors: [String: TensorData] = [:]
    for (name, tensor) in state {
      guard tensors[name] == nil else {
        throw TensorError.invalidArgument("save: the state dict has two tensors named '\(name)'")
      }
      tensors[name] = TensorData(tensor.scalars, shape: tensor.shape)
    }
    try SafeTensors(tensors: tensors, metadata: metadata).write(to: url)
  }

  /// Reads every tensor of a safetensors file, sorted by name. Floating-point and integer
  /// tensors are converted to `Float` (F64 and large integers are rounded).
  ///
  /// - Throws: `TTIR.SafeTensorsError` naming the file for unreadable or malformed files.
  public static func load(from url: URL) throws -> StateDict {
    try loadWithMetadata(from: url).state
  }

  /// Like ``load(from:)``, also returning the file's `__metadata__`.
  public static func loadWithMetadata(from url: URL) throws -> (state: StateDict, metadata: [String: String])
  {
    let file = try SafeTensors(contentsOf: url)
    return (state(of: file), file.metadata)
  }

  /// Every tensor of `file` as Float32, sorted by name.
  static func state(of file: SafeTensors) -> StateDict {
    file.tensors.sorted { $0.key < $1.key }.map { name, data in
      (name: name, tensor: Tensor(uncheckedShape: data.shape, scalars: data.floats()))
    }
  }

  /// The file's element type of every tensor that is not Float32 there (`"F16"`, `"F64"`,
  /// `"BF16"`, `"I64"`, …), by name: what loading converts.
  public static func conversions(in file: SafeTensors) -> [String: String] {
    var types = file.convertedDTypes
    for (name, data) in file.tensors where data.dtype != .f32 && types[name] == nil {
      types[name] = data.dtype.rawValue.uppercased()
    }
    return types
  }
}

extension Module {
  /// Saves ``stateDict()`` (parameters and buffers) to a safetensors file.
  public func save(to url: URL) throws {
    try StateDictFile.save(stateDict(), to: url)
  }

  /// Loads parameters and buffers from a safetensors file (see ``loadStateDict(_:strict:)``).
  ///
  /// - Throws: naming the file and the tensor, when one is missing or has the wrong shape, or
  ///   (with `strict`) when the file holds tensors the module does not have; the module is
  ///   unchanged then.
  ///
  /// A file marked as a PyTorch state dict (metadata `format: pt`, as Hugging Face and
  /// ``savePyTorchStateDict(to:)`` write) is refused: ``loadPyTorchStateDict(from:strict:)``
  /// knows its names and layouts.
  @discardableResult
  public func load(from url: URL, strict: Bool = true) throws -> StateDictLoadReport {
    let file = try SafeTensors(contentsOf: url)
    guard file.metadata["format"] != "pt" else {
      throw TensorError.invalidArgument(
        "\(url.path): this is a PyTorch state_dict (metadata format 'pt'); load it with "
          + "loadPyTorchStateDict(from:), which knows PyTorch's names and [out, in] Linear layout")
    }
    let state = StateDictFile.state(of: file)
    do {
      var report = try loadStateDict(state, strict: strict)
      let loaded = Set(namedTensors().map(\.0))
      report.conversions = StateDictFile.conversions(in: file).filter { loaded.contains($0.key) }
      return report
    } catch let error as TensorError {
      throw TensorError.invalidArgument("\(url.path): \(error.description)")
    }
  }
}

extension Optimizer {
  /// Saves ``stateDict()`` (step, learning rate, per-parameter buffers) to a safetensors file.
  public func save(to url: URL) throws {
    try StateDictFile.save(stateDict(), to: url)
  }

  /// Restores the state saved by ``save(to:)``; throws naming the file and the entry when
  /// anything is missing, misshapen or unknown.
  public func load(from url: URL) throws {
    let state = try StateDictFile.load(from: url)
    do {
      try loadStateDict(state)
    } catch let error as TensorError {
      throw TensorError.invalidArgument("\(url.path): \(error.description)")
    }
  }
}

extension Trainer {
  /// Writes a checkpoint (model, optimizer and epoch; see ``stateDict()``) as safetensors.
  public func saveCheckpoint(to url: URL) throws {
    try StateDictFile.save(stateDict(), to: url, metadata: ["format": "tinytorch-checkpoint"])
  }

  /// Restores a checkpoint written by ``saveCheckpoint(to:)``; nothing changes when it does
  /// not fit this trainer's model and optimizer.
  public func loadCheckpoint(from url: URL) throws {
    let state = try StateDictFile.load(from: url)
    do {
      try loadStateDict(state)
    } catch let error as TensorError {
      throw TensorError.invalidArgument("\(url.path): \(error.description)")
    }
  }
}
