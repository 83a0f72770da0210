import Foundation
import TTIR
import TTONNX

/// A reader of untrusted files that the fuzzers feed with mutated bytes.
///
/// ``run(_:)`` must return for every input: a bad file is a thrown error, which counts as a
/// rejection; a crash, a trap or a hang is a bug. An input that is accepted goes through the
/// steps that follow loading in `ttc` (verification, shape inference, analysis) and through a
/// round trip where the format has one, whose disagreement also stops the process.
public enum FuzzTarget: String, CaseIterable, Sendable {
  /// `model.json`: decoder, verifier with shape inference, and ``GraphAnalysis`` (`ttc inspect`).
  case modelJSON = "model-json"
  /// A safetensors file: reader, then write and read back.
  case safetensors
  /// A NumPy `.npy` file: reader, then write and read back.
  case npy
  /// An ONNX model (protobuf): the importer, then verification and analysis of its graph.
  case onnx

  /// Feeds `bytes` to the reader; `true` when they were accepted, `false` when refused.
  public func run(_ bytes: [UInt8]) -> Bool {
    switch self {
    case .modelJSON:
      guard let graph = try? ModelFile.load(bytes, path: "fuzz.json", weightsFolder: nil) else {
        return false
      }
      _ = try? graph.analysis()
      return true
    case .safetensors:
      guard let file = try? SafeTensors(bytes: bytes) else { return false }
      let reread = try? SafeTensors(bytes: file.encoded())
      precondition(reread?.tensors == file.tensors, "safetensors: write → read changed the tensors")
      return true
    case .npy:
      guard let file = try? NumpyFile(data: Data(bytes)) else { return false }
      // Compared as bytes: NaN elements are not equal to themselves.
      let encoded = file.encoded()
      precondition(
        (try? NumpyFile(data: encoded))?.encoded() == encoded, "npy: write → read changed the array")
      _ = file.floats()
      return true
    case .onnx:
      let importer = ONNXImporter(options: .init(batchSize: 1))
      guard let graph = try? importer.importModel(data: Data(bytes), directory: nil, name: "fuzz")
      else { return false }
      precondition((try? graph.verify()) != nil, "onnx: the importer returned an unverified graph")
      _ = try? graph.analysis()
      return true
    }
  }
}
