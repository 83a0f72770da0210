import Foundation
import MilestoneSupport
import TTCodegen
import TTIR
import TTInterpreter
import TTLoader
import TTPasses
import TTProfiler
import TinyTorch

/// One model to compress: its trained teacher, the data, and how to make its contestants.
struct CompressionTask {
  var key: String
  var title: String
  var teacher: Module
  var teacherGraph: Graph
  var data: TinyDigits
  var settings: Settings
  var learningRate: Float
  /// A fresh model of the teacher's architecture.
  var makeTeacherShaped: () -> Module
  /// The smaller student architecture for distillation.
  var makeStudent: () -> Module
  /// The layers whose units structured pruning removes.
  var structuredLayers: (Module) -> [Module]
  var example: Tensor

  /// The 1986 digits MLP (64 → 128 → 10); student 64 → 32 → 10.
  static func mlp(_ data: TinyDigits, settings: Settings, models: URL) throws -> CompressionTask {
    let example = try data.test.batch(at: [0])[0]
    let (teacher, graph) = try milestoneModel(
      "digits-mlp", in: models, make: { DigitMLP(seed: 1986) }, example: example
    ) { model in
      let trainer = Trainer(
        model: model, optimizer: Adam(model.parameters(), learningRate: 2e-3), loss: Loss.crossEntropy)
      _ = try trainer.fit(
        try DataLoader(data.train, batchSize: 32, shuffle: true, seed: 1986), epochs: settings.epochs)
    }
    return CompressionTask(
      key: "mlp", title: "digits MLP (1986), 64 → 128 → 10", teacher: teacher, teacherGraph: graph,
      data: data,
      settings: settings, learningRate: 2e-3, makeTeacherShaped: { DigitMLP(seed: 1) },
      makeStudent: { DigitMLP(hiddenUnits: 32, seed: 7) }, structuredLayers: { [($0 as! DigitMLP).hidden] },
      example: example)
  }

  /// The 1998 LeNet CNN (conv 8, conv 16, 64 → 32 → 10); student conv 4, conv 8, 32 → 16 → 10.
  static func cnn(_ data: TinyDigits, settings: Settings, models: URL) throws -> CompressionTask {
    let example = try data.test.tensors[0].slice(axis: 0, start: 0, end: 1)
    let (teacher, graph) = try milestoneModel("lenet", in: models, make: { LeNet(seed: 1) }, example: example)
    {
      model in
      let trainer = Trainer(
        model: model, optimizer: Adam(model.parameters(), learningRate: 0.01), loss: Loss.crossEntropy,
        schedule: CosineSchedule(maxLearningRate: 0.01, totalEpochs: settings.epochs))
      _ = try trainer.fit(
        try DataLoader(data.train, batchSize: 32, shuffle: true, seed: 1), epochs: settings.epochs)
    }
    return CompressionTask(
      key: "cnn", title: "LeNet CNN (1998)", teacher: teacher, teacherGraph: graph, data: data,
      settings: settings,
      learningRate: 0.01, makeTeacherShaped: { LeNet(seed: 2) },
      makeStudent: { LeNet(channels: (4, 8), hiddenUnits: 16, seed: 8) },
      structuredLayers: {
        let m = $0 as! LeNet
        return [m.conv1, m.conv2, m.fc1]
      }, example: example)
  }

  var train: DataLoader { try! DataLoader(data.train, batchSize: 32, shuffle: true, seed: 2018) }

  /// The test images one per row, with their labels.
  var testSet: TestSet {
    let (images, labels) = (data.test.tensors[0], data.test.tensors[1].scalars)
    let size = images.count / images.shape[0]
    let shape = [1] + images.shape.dropFirst()
    return TestSet(
      samples: (0..<images.shape[0]).map {
        TensorData(Array(images.scalars[$0 * size..<($0 + 1) * size]), shape: shape)
      }, labels: labels.map { Int($0) })
  }

  /// The training images, for int8 calibration.
  var calibration: NumpyFile {
    let images = data.train.tensors[0]
    return try! NumpyFile(shape: images.shape, elements: .float32(images.scalars))
  }

  /// Trains `model` for `epochs` more epochs (Adam, cosine schedule); pruning masks stay applied.
  func fineTune(_ model: Module, epochs: Int) throws {
    guard epochs > 0 else { return }
    let trainer = Trainer(
      model: model, optimizer: Adam(model.parameters(), learningRate: learningRate / 2),
      loss: Loss.crossEntropy,
      schedule: CosineSchedule(maxLearningRate: learningRate / 2, totalEpochs: epochs))
    _ = try trainer.fit(train, epochs: epochs)
    model.eval()
  }

  /// A copy of the teacher.
  func teacherCopy() throws -> Module {
    let model = makeTeacherShaped()
    try model.loadStateDict(teacher.stateDict())
    return model
  }

  func traced(_ model: Module) throws -> Graph { try trace(model, example: example, name: key) }

  /// Every configuration of the olympics; the first is the fp32 baseline.
  func contestants() throws -> [Contestant] {
    var result = [
      Contestant(name: "fp32", graph: teacherGraph),
      Contestant(name: "fp16", graph: teacherGraph, precision: .fp16),
      Contestant(name: "int8 static", graph: teacherGraph, precision: .int8),
    ]
    for sparsity in [0.5, 0.8] {
      let model = try teacherCopy()
      try Pruning.globalMagnitude(model.prunableWeights().map(\.tensor), sparsity: sparsity)
      try fineTune(model, epochs: settings.fineTuneEpochs)
      result.append(
        Contestant(name: "pruned \(Int(sparsity * 100))%", graph: try traced(model), passes: [Sparsify()]))
    }
    let structured = try teacherCopy()
    for layer in structuredLayers(structured) { try Pruning.structured(layer, fraction: 0.5) }
    try fineTune(structured, epochs: settings.fineTuneEpochs)
    let structuredGraph = try traced(structured)
    let shrink: [any Pass] = [PruneStructured(fraction: 0.5)]
    let lowRank: [any Pass] = [LowRankFactorize(energy: settings.energy)]
    result.append(Contestant(name: "structured 50%", graph: structuredGraph, passes: shrink))
    result.append(Contestant(name: "low-rank \(settings.energy)", graph: teacherGraph, passes: lowRank))

    let scratch = makeStudent()
    let trainer = Trainer(
      model: scratch, optimizer: Adam(scratch.parameters(), learningRate: learningRate),
      loss: Loss.crossEntropy,
      schedule: CosineSchedule(maxLearningRate: learningRate, totalEpochs: settings.distillEpochs))
    _ = try trainer.fit(train, epochs: settings.distillEpochs)
    scratch.eval()
    let student = makeStudent()
    try distill(
      student: student, teacher: teacher, train: train, epochs: settings.distillEpochs,
      learningRate: learningRate)
    let studentGraph = try traced(student)
    result += [
      Contestant(name: "small, labels only", graph: try traced(scratch)),
      Contestant(name: "distilled", graph: studentGraph),
      Contestant(name: "distilled + int8", graph: studentGraph, precision: .int8),
      Contestant(name: "structured 50% + int8", graph: structuredGraph, passes: shrink, precision: .int8),
      Contestant(name: "low-rank + int8", graph: teacherGraph, passes: lowRank, precision: .int8),
    ]
    return result
  }

  /// The metrics of this task's olympics, keyed `<task>_<configuration>_…`.
  func metrics(_ measurements: [Measurement], _ summary: ParetoSummary) -> [(String, MetricValue)] {
    let baseline = measurements[0].interpretedSeconds
    var result: [(String, MetricValue)] = []
    for m in measurements {
      let name = m.name.lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
      let prefix = "\(key)_\(name)"
      result += [
        ("\(prefix)_accuracy", .double(rounded(m.compiledAccuracy, 4))),
        ("\(prefix)_weight_bytes", .int(m.weightBytes)),
        ("\(prefix)_interpreted_us", .double(rounded(m.interpretedSeconds * 1e6, 3))),
        ("\(prefix)_compiled_us", .double(rounded(m.compiledSeconds * 1e6, 3))),
        ("\(prefix)_speedup", .double(rounded(baseline / m.compiledSeconds, 2))),
      ]
    }
    result += [
      ("\(key)_fastest", .string(summary.fastest.name)), ("\(key)_smallest", .string(summary.smallest.name)),
    ]
    return result
  }
}

/// Profiles `graph` at batch 1 after -O2 with ``TTProfiler/Profiler`` in the interpreter and the
/// compiled library (median of 101 runs after 10 warm-up runs): parameters, FLOPs, peak memory and
/// each node's time in both engines.
func profile(_ graph: Graph, cache: String) throws {
  let optimized = try PassManager(
    pipeline: .level(.O2, options: PassOptions(batchSize: 1, evaluator: Interpreter.evaluate))
  ).run(graph).graph
  let input = optimized.inputs[0]
  let x = TensorData([Float](repeating: 0.5, count: input.type.elementCount), shape: input.type.shape)
  let profiler = Profiler(warmup: 10, runs: 101)
  let interpreted = try profiler.profile(
    try Interpreter(graph: optimized), inputs: [input.name: InterpreterTensor(x)])
  let artifact = try ModelCompiler.compile(optimized, options: CompileOptions(cacheDirectory: cache))
  let library = try CompiledModel(path: artifact.libraryPath, expecting: artifact.graphHash)
  let compiled = try profiler.profile(library, graph: optimized, inputs: [x])
  print(
    "profile (batch 1, -O2): \(interpreted.parameterCount) parameters (\(bytes(interpreted.parameterBytes))), "
      + "\(interpreted.totalFLOPs) FLOPs; median run \(microseconds(interpreted.medianSeconds)) interpreted, "
      + "\(microseconds(compiled.medianSeconds)) compiled (with per-node timing); peak memory "
      + "\(interpreted.memory.bytes) B (interpreter, measured), \(compiled.memory.bytes) B (compiled arena)")
  let compiledTimes = Dictionary(
    compiled.nodes.map { ($0.name, $0.medianSeconds) }, uniquingKeysWith: { a, _ in a })
  var rows = [["node", "op", "output", "FLOPs", "interpreted", "compiled"]]
  for node in interpreted.nodes {
    rows.append([
      node.name, node.kind, node.output, "\(node.flops)", microseconds(node.medianSeconds),
      compiledTimes[node.name].map(microseconds) ?? "",
    ])
  }
  printMarkdown(rows)
}
