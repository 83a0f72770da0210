import Foundation
import SwiftProtobuf

/// Facts about an ONNX model file that callers need before or around an import.
public enum ONNXModelInputs {
  /// The run-time inputs the model at `url` declares (graph inputs without an initializer), in order.
  public static func names(of url: URL) throws(ONNXError) -> [String] {
    let graph = try decode(url).graph
    let initialized = Set(graph.initializer.map(\.name))
    return graph.input.map(\.name).filter { !initialized.contains($0) }
  }

  /// The external data files the model at `url` reads (resolved against its folder).
  public static func externalDataFiles(of url: URL) throws(ONNXError) -> [URL] {
    let locations = try decode(url).graph.initializer.filter { $0.dataLocation == .external }
      .compactMap { $0.externalData.first { $0.key == "location" }?.value }
    return Set(locations).sorted().map { url.deletingLastPathComponent().appendingPathComponent($0) }
  }

  private static func decode(_ url: URL) throws(ONNXError) -> Onnx_ModelProto {
    do {
      return try Onnx_ModelProto(serializedBytes: try Data(contentsOf: url))
    } catch {
      throw ONNXError("\(url.path): not an ONNX model (\(error))")
    }
  }
}
