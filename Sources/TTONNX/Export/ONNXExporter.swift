import Foundation
import SwiftProtobuf
import TTIR

/// Writes a TinyTorch ``Graph`` as an ONNX model (opset ``opset``), so onnxruntime or any ONNX
/// runtime can run it.
///
/// Every IR op maps to ONNX ops with the same meaning: most one to one, `linear` to
/// `MatMul` + `Add` (or `Gemm`), comparisons to the ONNX comparison plus a `Cast` to float,
/// `scaled_dot_product_attention` to `MatMul`/`Softmax`, `sparse_linear` to a dense weight.
/// Weights become initializers (`raw_data`).
public enum ONNXExporter {
  /// The default-domain opset written.
  public static let opset = 20

  /// The serialized `ModelProto`.
  ///
  /// - Throws: ``ONNXError`` if the graph does not verify.
  public static func export(_ graph: Graph) throws(ONNXError) -> Data {
    let types: [String: TensorType]
    do {
      try graph.verify()
      types = try graph.valueTypes()
    } catch {
      throw ONNXError("graph '\(graph.name)': \(error)")
    }
    let session = ExportSession(graph: graph, types: types)
    for name in graph.weights.keys.sorted() { session.weight(name, graph.weights[name]!) }
    for node in graph.nodes { try NodeExport(session: session, node: node).write() }

    var onnxGraph = Onnx_GraphProto()
    onnxGraph.name = graph.name
    onnxGraph.input = graph.inputs.map(valueInfo)
    onnxGraph.output = graph.outputs.map(valueInfo)
    onnxGraph.node = session.nodes
    // Weights no ONNX node reads (a sparse_linear's CSR arrays, written densified) are left out.
    let read = Set(session.nodes.flatMap(\.input))
    onnxGraph.initializer = session.initializers.filter { read.contains($0.name) }
    var model = Onnx_ModelProto()
    model.irVersion = 9
    model.producerName = "TinyTorch ttc"
    var opsetImport = Onnx_OperatorSetIdProto()
    opsetImport.domain = ""
    opsetImport.version = Int64(opset)
    model.opsetImport = [opsetImport]
    model.graph = onnxGraph
    do {
      return try model.serializedData()
    } catch {
      throw ONNXError("graph '\(graph.name)': cannot encode the ONNX model (\(error))")
    }
  }

  private static func valueInfo(_ info: ValueInfo) -> Onnx_ValueInfoProto {
    var tensor = Onnx_TypeProto.Tensor()
    tensor.elemType = ONNXDataType.code(info.type.dtype)
    tensor.shape.dim = info.type.shape.map { extent in
      var dim = Onnx_TensorShapeProto.Dimension()
      dim.dimValue = Int64(extent)
      return dim
    }
    var value = Onnx_ValueInfoProto()
    value.name = info.name
    value.type.tensorType = tensor
    return value
  }
}
