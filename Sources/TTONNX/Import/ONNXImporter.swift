import Foundation
import SwiftProtobuf
import TTIR

/// Converts an ONNX model (`.onnx`, protobuf) into a TinyTorch ``Graph``.
///
/// ```swift
/// let graph = try ONNXImporter(options: .init(batchSize: 1)).importModel(from: url)
/// try ModelFile.save(graph, to: URL(fileURLWithPath: "model.json"))
/// ```
///
/// Every node becomes IR ops with the same meaning for the model's opset (ONNX opsets
/// 11 and later; each op is read at the version the model's opset gives it). Shape arithmetic
/// on constants folds away at import, because TinyTorch graphs have static shapes: dynamic
/// dimensions must be bound by ``Options/batchSize`` or ``Options/inputShapes``. A node the IR
/// cannot express exactly is refused with one line naming the node, its op type and opset, and
/// the supported ops; a model is never imported with a setting silently dropped.
public struct ONNXImporter: Sendable {
  /// Bindings for what an ONNX file leaves open.
  public struct Options: Sendable {
    /// The size of every dynamic leading (batch) dimension of the graph inputs.
    public var batchSize: Int?
    /// Full shapes for inputs by name; they bind dynamic dimensions (fixed ones must agree).
    public var inputShapes: [String: [Int]]
    /// Inputs fixed to constant values (removed from the graph's inputs), e.g. a shape tensor
    /// fed as an input.
    public var constantInputs: [String: TensorData]

    /// Creates options.
    public init(
      batchSize: Int? = nil, inputShapes: [String: [Int]] = [:], constantInputs: [String: TensorData] = [:]
    ) {
      self.batchSize = batchSize
      self.inputShapes = inputShapes
      self.constantInputs = constantInputs
    }
  }

  /// The oldest default-domain opset the importer reads.
  public static let minimumOpset = 11

  /// The bindings used.
  public var options: Options

  /// Creates an importer.
  public init(options: Options = Options()) { self.options = options }

  /// The ONNX op types (default domain) the importer converts, sorted.
  public static var supportedOps: [String] { Converters.all.keys.sorted() }

  /// Imports the model file at `url`; external data is read from the file's folder.
  ///
  /// - Throws: ``ONNXError`` whose message starts with the file's path.
  public func importModel(from url: URL) throws(ONNXError) -> Graph {
    try importModelAndDataFiles(from: url).graph
  }

  /// Imports the model file at `url`, as ``importModel(from:)``, and also returns the external
  /// data files its initializers name (resolved against its folder, each once, sorted), so that
  /// a caller can avoid writing over them. The file is read and decoded once.
  public func importModelAndDataFiles(from url: URL) throws(ONNXError)
    -> (graph: Graph, externalDataFiles: [URL])
  {
    let data: Data
    do {
      // Mapped, not copied: the weights are copied out of the protobuf fields, not the whole file.
      data = try InputFile.read(url, mapped: true)
    } catch {
      throw ONNXError("\(url.path): \(error.reason)")
    }
    do {
      let model = try Self.decode(data)
      let directory = url.deletingLastPathComponent()
      let graph = try importModel(
        model, directory: directory, name: url.deletingPathExtension().lastPathComponent)
      let locations = Set(
        model.graph.initializer.filter { $0.dataLocation == .external }
          .compactMap { $0.externalData.first { $0.key == "location" }?.value })
      return (graph, locations.sorted().map { directory.appendingPathComponent($0) })
    } catch {
      throw error.located(url.path)
    }
  }

  /// Imports a serialized `ModelProto`.
  ///
  /// - Parameters:
  ///   - directory: The folder external data paths are relative to (`nil`: none allowed).
  ///   - name: The graph's name.
  public func importModel(data: Data, directory: URL?, name: String) throws(ONNXError) -> Graph {
    try importModel(Self.decode(data), directory: directory, name: name)
  }

  private func importModel(_ model: Onnx_ModelProto, directory: URL?, name: String) throws(ONNXError) -> Graph
  {
    let opset = try Self.defaultOpset(model)
    return try GraphImport(
      graph: model.graph, opset: opset, options: options, directory: directory, name: name
    ).run()
  }

  /// The `ModelProto` in `data`.
  static func decode(_ data: Data) throws(ONNXError) -> Onnx_ModelProto {
    let model: Onnx_ModelProto
    do {
      model = try Onnx_ModelProto(serializedBytes: data)
    } catch {
      throw ONNXError("not an ONNX model (protobuf decoding failed: \(error); truncated file?)")
    }
    guard model.hasGraph, model.irVersion > 0 else {
      throw ONNXError("not an ONNX model (no ir_version or graph)")
    }
    return model
  }

  /// The `ai.onnx` opset version the model imports.
  static func defaultOpset(_ model: Onnx_ModelProto) throws(ONNXError) -> Int {
    guard let entry = model.opsetImport.first(where: { $0.domain.isEmpty || $0.domain == "ai.onnx" }) else {
      throw ONNXError("the model imports no ai.onnx opset")
    }
    guard entry.version >= minimumOpset else {
      throw ONNXError("opset \(entry.version) is older than the oldest supported, \(minimumOpset)")
    }
    return Int(entry.version)
  }
}
