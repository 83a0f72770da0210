import ArgumentParser
import Foundation
import TTIR
import TTONNX

/// `ttc export`: a TinyTorch model file in another format (ONNX).
struct ExportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Write a model in another format (ONNX, opset \(ONNXExporter.opset)).",
    discussion: """
      The ONNX file holds the graph and its weights (initializers), so onnxruntime or any \
      ONNX runtime can run it; `ttc import` reads it back.

      Examples:
        ttc export mlp.json --onnx -o mlp.onnx
      """)

  /// The formats `ttc export` writes.
  enum Format: String, EnumerableFlag {
    case onnx
  }

  @Argument(help: "The model file (model.json).")
  var model: String

  @Flag(help: "The format to write.")
  var format: Format = .onnx

  @Option(
    name: [.customShort("o"), .customLong("output")],
    help: "The file to write (default: beside the model, .onnx).")
  var output: String?

  @OptionGroup var modelFile: ModelFileFlags

  func run() throws {
    try reportingErrors {
      let graph = try loadModel(model, modelFile)
      let source = URL(fileURLWithPath: model)
      let destination = output ?? source.deletingPathExtension().appendingPathExtension("onnx").path
      try OutputPaths.check(
        [("-o", destination)], reading: [model, ModelFile.weightsURL(for: source).path])
      let bytes: Data
      do {
        bytes = try ONNXExporter.export(graph)
      } catch {
        throw CommandFailure("\(model): \(error)")
      }
      do {
        try bytes.write(to: URL(fileURLWithPath: destination), options: .atomic)
      } catch {
        throw CommandFailure("\(destination): cannot write file (\(error.localizedDescription))")
      }
      print("exported \(model) -> \(destination) (ONNX opset \(ONNXExporter.opset), \(bytes.count) bytes)")
    }
  }
}
