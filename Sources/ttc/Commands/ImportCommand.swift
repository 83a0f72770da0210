import ArgumentParser
import Foundation
import TTIR
import TTONNX

/// `ttc import`: an ONNX model to model.json + safetensors.
struct ImportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "import",
    abstract: "Convert an ONNX model (.onnx) into a TinyTorch model file.",
    discussion: """
      Reads ONNX opsets \(ONNXImporter.minimumOpset) and later (default domain). Shapes are \
      static: dynamic dimensions must be bound with --batch (leading dimensions) or \
      --input-shape. Shape arithmetic on constants (Shape, Gather, Concat, ConstantOfShape, ...) \
      folds away. An op or attribute without an exact IR equivalent is refused, naming the node; \
      nothing is written then. Weights go to the safetensors file beside the output. Without -o, \
      an existing model file (or its weights) beside the input is not replaced.

      Supported ops: \(ONNXImporter.supportedOps.joined(separator: ", ")).

      Examples:
        ttc import model.onnx -o model.json
        ttc import bert.onnx -o bert.json --input-shape input_ids=1,128 --input-shape attention_mask=1,128
        ttc import resnet.onnx -o resnet.json --batch 8
      """)

  @Argument(help: "The ONNX model file.")
  var model: String

  @Option(
    name: [.customShort("o"), .customLong("output")],
    help: "The model file to write (default: beside the input, .json).")
  var output: String?

  @Option(help: "The size of every dynamic leading (batch) dimension.")
  var batch: Int?

  @Option(
    name: .customLong("input-shape"),
    help: ArgumentHelp("An input's full shape, as NAME=D0,D1,...", valueName: "name=dims"))
  var inputShapes: [String] = []

  func run() throws {
    try reportingErrors {
      let source = URL(fileURLWithPath: model)
      let destination = URL(
        fileURLWithPath: output ?? source.deletingPathExtension().appendingPathExtension("json").path)
      let options = ONNXImporter.Options(batchSize: batch, inputShapes: try parsedShapes())
      if output == nil {
        // Without -o the destination was not named, so an existing model there is not replaced.
        for path in OutputPaths.modelFiles(destination.path)
        where FileManager.default.fileExists(atPath: path) {
          throw CommandFailure(
            "\(path) already exists; pass -o \(destination.path) to replace it, or -o another path")
        }
      }
      let (graph, dataFiles) = try ONNXImporter(options: options).importModelAndDataFiles(from: source)
      let inputs = [source] + dataFiles
      try OutputPaths.check(
        [("-o", destination.path), ("-o (weights)", ModelFile.weightsURL(for: destination).path)],
        reading: inputs.map(\.path))
      do {
        try ModelFile.save(graph, to: destination)
      } catch {
        throw CommandFailure("\(destination.path): \(error)")
      }
      let parameters = graph.weights.values.reduce(0) { $0 + $1.type.elementCount }
      print(
        "imported \(model): \(graph.nodes.count) nodes, \(graph.weights.count) weights "
          + "(\(parameters) values) -> \(destination.path)")
    }
  }

  /// `--input-shape` values by input name.
  private func parsedShapes() throws -> [String: [Int]] {
    var shapes: [String: [Int]] = [:]
    for text in inputShapes {
      guard let equals = text.lastIndex(of: "=") else {
        throw CommandFailure("--input-shape \(text): expected NAME=D0,D1,...")
      }
      let dims = text[text.index(after: equals)...].split(separator: ",").map { Int($0) }
      guard !dims.contains(nil), dims.allSatisfy({ $0! >= 0 }) else {
        throw CommandFailure("--input-shape \(text): dimensions must be non-negative integers")
      }
      shapes[String(text[..<equals])] = dims.map { $0! }
    }
    return shapes
  }
}
