// Pruning benchmark: accuracy, size and compiled latency of the digits MLP (1986) and LeNet CNN
// (1998) milestones pruned 50/80/90% unstructured and 25/50% structured (one-shot, and gradually in
// three steps with fine-tuning), and a 784→512→512→10 MLP dense vs 90% sparse (each layer), every
// variant side by side in one run.
//
// Eager pruning (`Pruning`, masks kept while fine-tuning) → trace → graph passes (`sparsify` for
// unstructured, `prune-structured` to shrink structured models, then -O2 with --batch) → C → .so.
// Latencies are medians of interleaved rounds (every variant runs in each round, so background
// load hits them alike). Run: `swift run -c release prune-bench`.
import Foundation
import MilestoneSupport
import TTCodegen
import TTIR
import TTLoader
import TTPasses
import TinyTorch

/// One pruned (or dense) model: how it was pruned and what it scored.
struct Variant {
  var name: String
  var oneShotAccuracy: Double?
  var accuracy: Double
  var graph: Graph
}

/// The graph of `model` after `passes`, specialized and optimized at `batch` (-O2).
func optimized(_ graph: Graph, passes: [any Pass], batch: Int) throws -> Graph {
  var pipeline = try Pipeline.level(.O2, options: PassOptions(batchSize: batch))
  pipeline.passes.insert(contentsOf: passes, at: 1)
  return try PassManager(pipeline: pipeline).run(graph).graph
}

/// Compiles `graph` (already specialized) and opens a session on it.
func session(_ graph: Graph, cache: String) throws -> (CompiledModel.Session, Int) {
  let artifact = try ModelCompiler.compile(graph, options: CompileOptions(cacheDirectory: cache))
  let size = (try FileManager.default.attributesOfItem(atPath: artifact.libraryPath)[.size] as? Int) ?? 0
  return (try CompiledModel(path: artifact.libraryPath, expecting: artifact.graphHash).makeSession(), size)
}

func weightBytes(_ graph: Graph) -> Int { graph.weights.values.reduce(0) { $0 + $1.type.byteCount } }

/// Compiles every variant at batch 1 and 64 and prints accuracy, size and latency side by side.
func report(
  _ title: String, key prefix: String, _ variants: [(Variant, [any Pass])], inputShape: [Int], rounds: Int,
  cache: String
) throws -> [(String, MetricValue)] {
  var latencies: [Int: [Double]] = [:]
  var sizes: [(weights: Int, library: Int)] = []
  for batch in [1, 64] {
    var sessions: [CompiledModel.Session] = []
    var inputs: [[TensorData]] = []
    for (variant, passes) in variants {
      let graph = try optimized(variant.graph, passes: passes, batch: batch)
      let (compiled, librarySize) = try session(graph, cache: cache)
      sessions.append(compiled)
      let shape = [batch] + inputShape
      let values = (0..<shape.reduce(1, *)).map { Float(($0 * 7919) % 255) / 255 }
      inputs.append([TensorData(values, shape: shape)])
      if batch == 1 { sizes.append((weightBytes(graph), librarySize)) }
    }
    latencies[batch] = try interleavedMedianLatencies(
      zip(sessions, inputs).map { session, input in { _ = try session.run(input) } }, rounds: rounds)
  }
  print("\n\(title)")
  let header = ["variant", "accuracy", "one-shot", "weights", ".so", "batch 1", "batch 64", "speedup 1 / 64"]
  var rows: [[String]] = [header]
  var metrics: [(String, MetricValue)] = []
  for (index, (variant, _)) in variants.enumerated() {
    let (l1, l64) = (latencies[1]![index], latencies[64]![index])
    let speedup = (latencies[1]![0] / l1, latencies[64]![0] / l64)
    rows.append([
      variant.name, variant.accuracy.isNaN ? "" : "\(rounded(100 * variant.accuracy, 1))%",
      variant.oneShotAccuracy.map { "\(rounded(100 * $0, 1))%" } ?? "",
      "\(sizes[index].weights / 1024) KiB", "\(sizes[index].library / 1024) KiB",
      "\(rounded(l1 * 1e6, 2)) µs", "\(rounded(l64 * 1e6, 1)) µs",
      "\(rounded(speedup.0, 2))× / \(rounded(speedup.1, 2))×",
    ])
    let key =
      prefix + "_"
      + variant.name.replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "%", with: "")
    metrics += [
      ("\(key)_accuracy", .double(rounded(variant.accuracy, 4))),
      ("\(key)_weight_bytes", .int(sizes[index].weights)),
      ("\(key)_batch1_us", .double(rounded(l1 * 1e6, 2))),
      ("\(key)_batch64_us", .double(rounded(l64 * 1e6, 1))),
    ]
  }
  let widths = header.indices.map { column in rows.map { $0[column].count }.max()! }
  for row in rows {
    print(
      row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(
        separator: "  "))
  }
  return metrics
}

/// Trains `make()`'s model, then every pruned variant of a copy of it.
func variants(
  make: () throws -> Module, structuredLayers: (Module) -> [Module], train: DataLoader, test: DataLoader,
  example: Tensor, learningRate: Float, epochs: Int, fineTuneEpochs: Int
) throws -> [(Variant, [any Pass])] {
  func trainer(_ model: Module, _ rate: Float, _ epochs: Int) -> Trainer {
    Trainer(
      model: model, optimizer: Adam(model.parameters(), learningRate: rate), loss: Loss.crossEntropy,
      schedule: CosineSchedule(maxLearningRate: rate, totalEpochs: epochs))
  }
  func accuracy(_ model: Module) throws -> Double {
    Double(try trainer(model, 0, 1).evaluate(test).accuracy!)
  }
  let dense = try make()
  _ = try trainer(dense, learningRate, epochs).fit(train, epochs: epochs)
  var result: [(Variant, [any Pass])] = [
    (Variant(name: "dense", accuracy: try accuracy(dense), graph: try trace(dense, example: example)), [])
  ]
  func copy() throws -> Module {
    let model = try make()
    try model.loadStateDict(dense.stateDict())
    return model
  }
  /// Prunes a copy in one shot (its accuracy is reported), and another gradually: `prune(model,
  /// a)` to a third, two thirds and all of the amount, each step followed by fine-tuning (masks
  /// keep the pruned weights at zero).
  func pruned(
    _ name: String, amount: Double, passes: [any Pass], _ prune: (Module, Double) throws -> Void
  ) throws -> (Variant, [any Pass]) {
    let oneShot = try copy()
    try prune(oneShot, amount)
    let model = try copy()
    for step in 1...3 {
      try prune(model, amount * Double(step) / 3)
      if fineTuneEpochs > 0 {
        _ = try trainer(model, learningRate, fineTuneEpochs).fit(train, epochs: fineTuneEpochs)
      }
    }
    let (before, after) = (try accuracy(oneShot), try accuracy(model))
    print(
      "  \(name): accuracy \(rounded(100 * before, 1))% one-shot, \(rounded(100 * after, 1))% with fine-tuning"
    )
    let graph = try trace(model, example: example)
    return (Variant(name: name, oneShotAccuracy: before, accuracy: after, graph: graph), passes)
  }
  for sparsity in [0.5, 0.8, 0.9] {
    result.append(
      try pruned("unstructured \(Int(sparsity * 100))%", amount: sparsity, passes: [Sparsify()]) {
        model, amount in
        try Pruning.globalMagnitude(model.prunableWeights().map(\.tensor), sparsity: amount)
      })
  }
  for fraction in [0.25, 0.5] {
    result.append(
      try pruned(
        "structured \(Int(fraction * 100))%", amount: fraction, passes: [PruneStructured(fraction: fraction)]
      ) {
        model, amount in
        for layer in structuredLayers(model) { try Pruning.structured(layer, fraction: amount) }
      })
  }
  return result
}

runMilestone {
  let arguments = try Arguments(
    program: "prune-bench",
    options: [
      "data": dataOptionHelp(holding: "tinydigits/"), "epochs": "N  training epochs (default 20)",
      "fine-tune": "N  fine-tuning epochs after each of the three pruning steps (default 5)",
      "rounds": "N  interleaved timing rounds (default 301)",
    ])
  let epochs = try arguments.integer("epochs", default: 20)
  let fineTuneEpochs = try arguments.integer("fine-tune", default: 5)
  let rounds = try arguments.integer("rounds", default: 301)
  guard epochs > 0, fineTuneEpochs >= 0, rounds > 0 else { throw MilestoneError("counts must be positive") }
  let cache = FileManager.default.temporaryDirectory.appendingPathComponent("prune-bench-\(getpid())").path
  defer { try? FileManager.default.removeItem(atPath: cache) }
  var metrics: [(String, MetricValue)] = [("benchmark", .string("pruning"))]

  let flat = try TinyDigits(dataOption: arguments.options["data"])
  print(
    "digits MLP 64 → 128 → 10: training \(epochs) epochs, then pruning + \(fineTuneEpochs) fine-tuning epochs"
  )
  let mlp = try variants(
    make: { DigitMLP(seed: 1986) }, structuredLayers: { [($0 as! DigitMLP).hidden] },
    train: try DataLoader(flat.train, batchSize: 32, shuffle: true, seed: 1986),
    test: try DataLoader(flat.test, batchSize: 200), example: try flat.test.batch(at: [0])[0],
    learningRate: 2e-3, epochs: epochs, fineTuneEpochs: fineTuneEpochs)
  metrics += try report(
    "digits MLP (compiled)", key: "mlp", mlp, inputShape: [64], rounds: rounds, cache: cache)

  let images = try TinyDigits(dataOption: arguments.options["data"], flatten: false)
  print("\nLeNet CNN: training \(epochs) epochs, then pruning + \(fineTuneEpochs) fine-tuning epochs")
  let cnn = try variants(
    make: { LeNet(seed: 1) },
    structuredLayers: {
      let m = $0 as! LeNet; return [m.conv1, m.conv2, m.fc1]
    },
    train: try DataLoader(images.train, batchSize: 32, shuffle: true, seed: 1),
    test: try DataLoader(images.test, batchSize: 200),
    example: try images.test.tensors[0].slice(axis: 0, start: 0, end: 1), learningRate: 0.01, epochs: epochs,
    fineTuneEpochs: fineTuneEpochs)
  metrics += try report(
    "LeNet CNN (compiled)", key: "cnn", cnn, inputShape: [1, 8, 8], rounds: rounds, cache: cache)

  // The sparse-speed model: random weights (accuracy is not the point here).
  let big = Sequential(
    Linear(784, 512, seed: 1), ReLU(), Linear(512, 512, seed: 2), ReLU(), Linear(512, 10, seed: 3))
  let example = Tensor.randn([1, 784], seed: 4)
  let denseGraph = try trace(big, example: example)
  for (_, weight) in big.prunableWeights() { try Pruning.magnitude(weight, sparsity: 0.9) }
  let sparseGraph = try trace(big, example: example)
  let wide = [
    (Variant(name: "dense", accuracy: .nan, graph: denseGraph), [any Pass]()),
    (Variant(name: "90% sparse", accuracy: .nan, graph: sparseGraph), [Sparsify()] as [any Pass]),
  ]
  metrics += try report(
    "MLP 784 → 512 → 512 → 10 (compiled)", key: "mlp784", wide, inputShape: [784], rounds: rounds,
    cache: cache)
  print(metricsLine(metrics))
  return true
}
