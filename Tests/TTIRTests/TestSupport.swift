import Foundation
import XCTest

@testable import TTIR

/// Shorthand for a tensor type in tests: `t(.f32, 2, 3)`.
func t(_ dtype: DType, _ shape: Int...) -> TensorType { TensorType(dtype, shape) }

/// Runs shape inference for a single node whose inputs have `types`.
func infer(_ op: Op, _ types: [TensorType], _ attributes: [String: AttributeValue] = [:]) throws
  -> TensorType
{
  let node = Node(
    name: "n", op: op, inputs: types.indices.map { "v\($0)" }, outputs: ["out"],
    attributes: attributes)
  return try ShapeInference.outputTypes(of: node, inputTypes: types)[0]
}

/// The URL of a file in Tests/TTIRTests/Fixtures.
func fixtureURL(_ name: String) throws -> URL {
  try XCTUnwrap(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil))
}

/// The 64 → 128 → 10 MLP used across tests: linear, relu, linear, softmax.
func makeMLP(batch: Int = 1) throws -> Graph {
  var b = GraphBuilder(name: "mlp")
  let x = b.input("x", .f32, [batch, 64])
  let w1 = b.weight("fc1.weight", TensorData(randomFloats(64 * 128, seed: 1), shape: [64, 128]))
  let b1 = b.weight("fc1.bias", TensorData(randomFloats(128, seed: 2), shape: [128]))
  let w2 = b.weight("fc2.weight", TensorData(randomFloats(128 * 10, seed: 3), shape: [128, 10]))
  let b2 = b.weight("fc2.bias", TensorData(randomFloats(10, seed: 4), shape: [10]))
  let h = b.add(.linear, [x, w1, b1], name: "fc1")
  let a = b.add(.relu, [h], name: "act1")
  let logits = b.add(.linear, [a, w2, b2], name: "fc2")
  let probs = b.add(.softmax, [logits], attributes: ["axis": -1], name: "softmax", output: "probs")
  b.output(probs)
  return try b.build()
}

/// Validates JSON files against docs/model.schema.json with Python's `jsonschema`.
enum SchemaValidator {
  static let schemaURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(
      "docs/model.schema.json")

  private static let script = """
    import json, sys
    from jsonschema import Draft202012Validator
    validator = Draft202012Validator(json.load(open(sys.argv[1])))
    failed = False
    for path in sys.argv[2:]:
        for error in validator.iter_errors(json.load(open(path))):
            failed = True
            print(f"{path}: {error.json_path}: {error.message}")
    sys.exit(1 if failed else 0)
    """

  /// Whether python3 with jsonschema is available.
  static let isAvailable: Bool = (try? run(["-c", "import jsonschema"]).status) == 0

  /// Validates `files`; returns the failure report, or `nil` when all are valid.
  static func failures(_ files: [URL]) throws -> String? {
    let result = try run(["-c", script, schemaURL.path] + files.map(\.path))
    return result.status == 0 ? nil : result.output
  }

  /// Fails the test if `files` do not validate; skips silently when the validator is missing.
  static func assertValid(_ files: [URL], file: StaticString = #filePath, line: UInt = #line) throws {
    guard isAvailable else { return }
    if let report = try failures(files) {
      XCTFail("schema validation failed:\n\(report)", file: file, line: line)
    }
  }

  private static func run(_ arguments: [String]) throws -> ProcessResult {
    try runProgram("python3", arguments)
  }

}

/// Saves `graph` like ``ModelFile/save(_:to:weights:)`` and validates the JSON against the schema.
@discardableResult
func saveValidated(
  _ graph: Graph, to url: URL, weights: ModelFile.WeightStorage = .external,
  file: StaticString = #filePath,
  line: UInt = #line
) throws -> URL {
  try ModelFile.save(graph, to: url, weights: weights)
  try SchemaValidator.assertValid([url], file: file, line: line)
  return url
}
