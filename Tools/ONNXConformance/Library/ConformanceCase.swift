import Foundation
import TTCodegen
import TTIR
import TTInterpreter
import TTLoader
import TTONNX

/// One ONNX backend node test: a folder with `model.onnx`, `input_N.pb`, `output_N.pb` and
/// optionally `tolerance.txt` (`rtol atol`).
public struct ConformanceCase: Sendable {
  /// The test's name (its folder's name, e.g. `test_abs`).
  public let name: String
  /// The folder.
  public let folder: URL

  /// ONNX's runner tolerances, the loosest this runner accepts.
  public static let maximumTolerance = (relative: 1e-3, absolute: 1e-7)

  /// Creates a case for `folder`.
  public init(folder: URL) {
    self.folder = folder
    self.name = folder.lastPathComponent
  }

  /// Every case folder under `root` (those holding a `model.onnx`), sorted by name.
  public static func all(in root: URL) -> [ConformanceCase] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
    return names.sorted().map { root.appendingPathComponent($0) }
      .filter { FileManager.default.fileExists(atPath: $0.appendingPathComponent("model.onnx").path) }
      .map(ConformanceCase.init(folder:))
  }

  /// The numbered tensor files `prefix_0.pb`, `prefix_1.pb`, ...
  func tensors(_ prefix: String) throws(ONNXError) -> [TensorData] {
    var result: [TensorData] = []
    while true {
      let url = folder.appendingPathComponent("\(prefix)_\(result.count).pb")
      guard FileManager.default.fileExists(atPath: url.path) else { return result }
      result.append(try ONNXTensorFile.read(url))
    }
  }

  /// The tolerances: the case's own, never looser than ``maximumTolerance``.
  var tolerance: (relative: Double, absolute: Double) {
    let text =
      (try? String(contentsOf: folder.appendingPathComponent("tolerance.txt"), encoding: .utf8)) ?? ""
    let numbers = text.split(separator: " ").compactMap {
      Double($0.trimmingCharacters(in: .whitespacesAndNewlines))
    }
    let given = numbers.count == 2 ? (numbers[0], numbers[1]) : Self.maximumTolerance
    return (min(given.0, Self.maximumTolerance.relative), min(given.1, Self.maximumTolerance.absolute))
  }

  /// Imports the model with its inputs' shapes bound; inputs that must be constants (shapes,
  /// axes fed as inputs) are bound to the test's values. Returns the graph and its run-time
  /// inputs by name.
  public func importGraph() throws(ONNXError) -> (graph: Graph, inputs: [String: TensorData]) {
    let modelURL = folder.appendingPathComponent("model.onnx")
    let values = try tensors("input")
    let names = try ONNXModelInputs.names(of: modelURL)
    guard names.count == values.count else {
      throw ONNXError("\(name): the model has \(names.count) inputs, the test gives \(values.count)")
    }
    let byName = Dictionary(uniqueKeysWithValues: zip(names, values))
    var options = ONNXImporter.Options(inputShapes: byName.mapValues(\.shape))
    while true {
      do {
        let graph = try ONNXImporter(options: options).importModel(from: modelURL)
        return (graph, byName.filter { options.constantInputs[$0.key] == nil })
      } catch {
        guard let input = error.inputNeedingConstant, options.constantInputs[input] == nil,
          let value = byName[input]
        else { throw error }
        options.constantInputs[input] = value
      }
    }
  }
}
