import Foundation
import TTIR
import TTONNX

/// The first inputs of every fuzz target, taken from the repository's test fixtures: the ONNX
/// backend node tests (`Tests/TTONNXTests/Fixtures/onnx-node-tests.tar.gz`) as ONNX seeds, the
/// same models imported as `model.json` (weights inline) and their weights as safetensors, and
/// the committed `.safetensors` and `.npy` fixtures.
public enum SeedCorpus {
  /// Seeds larger than this are left out, so mutations stay fast.
  public static let maximumSeedLength = 1 << 16

  /// Reads the seeds of every target from the repository at `repository`; `onnxStride` takes
  /// every n-th ONNX node test (1: all of them, about 600).
  public static func seeds(repository: URL, onnxStride: Int = 1) throws -> [FuzzTarget: [[UInt8]]] {
    var seeds: [FuzzTarget: [[UInt8]]] = [.safetensors: [], .npy: []]
    let fixtures = repository.appendingPathComponent("Tests")
    for folder in [
      "TTIRTests/Fixtures", "TinyTorchTests/Fixtures/safetensors", "TinyTorchTests/Fixtures/npy",
    ] {
      for file in try files(in: fixtures.appendingPathComponent(folder)) {
        switch file.pathExtension {
        case "safetensors": seeds[.safetensors]!.append(try bytes(of: file))
        case "npy": seeds[.npy]!.append(try bytes(of: file))
        default: break
        }
      }
    }
    let models = try onnxModels(
      archive: fixtures.appendingPathComponent("TTONNXTests/Fixtures/onnx-node-tests.tar.gz"),
      stride: onnxStride)
    seeds[.onnx] = models
    seeds[.modelJSON] = []
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
      "ttfuzz-seeds-\(getpid())-\(UUID().uuidString).json")
    defer { try? FileManager.default.removeItem(at: scratch) }
    for model in models {
      let importer = ONNXImporter(options: .init(batchSize: 1))
      guard let graph = try? importer.importModel(data: Data(model), directory: nil, name: "seed") else {
        continue
      }
      try ModelFile.save(graph, to: scratch, weights: .inline)
      seeds[.modelJSON]!.append(try bytes(of: scratch))
      if !graph.weights.isEmpty {
        seeds[.safetensors]!.append(SafeTensors(tensors: graph.weights).encoded())
      }
    }
    return seeds.mapValues { $0.filter { $0.count <= maximumSeedLength } }
  }

  /// Writes the seeds to `folder/TARGET/seed-NNNN` (for libFuzzer's corpus folders).
  public static func write(_ seeds: [FuzzTarget: [[UInt8]]], to folder: URL) throws {
    for (target, inputs) in seeds {
      let targetFolder = folder.appendingPathComponent(target.rawValue)
      try FileManager.default.createDirectory(at: targetFolder, withIntermediateDirectories: true)
      for (index, input) in inputs.enumerated() {
        let name = "seed-" + String(index + 10000).dropFirst()
        try Data(input).write(to: targetFolder.appendingPathComponent(name))
      }
    }
  }

  private static func files(in folder: URL) throws -> [URL] {
    try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
      .sorted { $0.lastPathComponent < $1.lastPathComponent }
  }

  private static func bytes(of file: URL) throws -> [UInt8] { [UInt8](try Data(contentsOf: file)) }

  /// The `model.onnx` of every `stride`-th node test in the archive, in name order.
  private static func onnxModels(archive: URL, stride: Int) throws -> [[UInt8]] {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "ttfuzz-onnx-\(getpid())-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let tar = Process()
    tar.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    tar.arguments = ["tar", "xzf", archive.path, "-C", folder.path, "--wildcards", "*/model.onnx"]
    try tar.run()
    tar.waitUntilExit()
    guard tar.terminationStatus == 0 else {
      throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: archive.path])
    }
    let cases = try files(in: folder)
    return try Swift.stride(from: 0, to: cases.count, by: max(1, stride)).map {
      try bytes(of: cases[$0].appendingPathComponent("model.onnx"))
    }
  }
}
