import Foundation
import TTIR

/// Facts about an ONNX model file that callers need before an import.
public enum ONNXModelInputs {
  /// The run-time inputs the model at `url` declares (graph inputs without an initializer), in order.
  public static func names(of url: URL) throws(ONNXError) -> [String] {
    let data: Data
    do {
      data = try InputFile.read(url, mapped: true)
    } catch {
      throw ONNXError("\(url.path): \(error.reason)")
    }
    let graph: Onnx_GraphProto
    do {
      graph = try ONNXImporter.decode(data).graph
    } catch {
      throw error.located(url.path)
    }
    let initialized = Set(graph.initializer.map(\.name))
    return graph.input.map(\.name).filter { !initialized.contains($0) }
  }
}
