import Foundation
import SwiftProtobuf
import TTIR

/// Serialized `TensorProto` files (`input_0.pb`, `output_0.pb` in ONNX's test folders).
public enum ONNXTensorFile {
  /// Decodes a serialized `TensorProto` (`BOOL` becomes `f32` 0/1).
  ///
  /// - Throws: ``ONNXError`` naming the file for bad bytes or an unsupported element type.
  public static func read(_ url: URL) throws(ONNXError) -> TensorData {
    do {
      let proto = try Onnx_TensorProto(serializedBytes: try Data(contentsOf: url))
      return try proto.tensorData(directory: url.deletingLastPathComponent())
    } catch let error as ONNXError {
      throw error.located(url.path)
    } catch {
      throw ONNXError("\(url.path): not a TensorProto (\(error))")
    }
  }

  /// Encodes `data` as a serialized `TensorProto` called `name`.
  public static func encode(_ data: TensorData, name: String) -> Data {
    (try? Onnx_TensorProto(data, name: name).serializedData()) ?? Data()
  }
}
