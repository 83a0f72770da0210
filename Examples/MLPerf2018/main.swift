// Milestone 2018 (MLPerf-style): the optimization olympics on the framework's own models, every
// figure measured in this run.
//
// 1. Loads the trained 1986 MLP and 1998 CNN (`--models DIR`, as `mlp-1986 --export DIR` and
//    `cnn-1998 --export DIR` write them; trained here when absent) and profiles them.
// 2. Compresses each: int8 static, fp16, 50%/80% magnitude pruning and 50% structured pruning
//    (eager, with fine-tuning), low-rank factorization (graph pass), distillation into a smaller
//    model, and combinations; for each: size, accuracy, and batch-1 latency interpreted and
//    compiled, against the fp32 interpreter.
// 3. Generates 128 tokens with the 2017 TinyTalks GPT with and without KV cache, eager and
//    compiled (the decode step compiled with its cache as inputs/outputs).
// 4. Prints the Pareto summary: the fastest configuration within 1 point of fp32, the smallest.
// 5. With `--plot DIR`, draws each olympics table (latency, size, accuracy) and its Pareto front as
//    SVG: DIR/mlp-olympics.svg, mlp-pareto.svg, cnn-olympics.svg, cnn-pareto.svg.
//
// Run: `swift run -c release mlperf-2018` (`--quick` for a smoke test, `--generation` for part 3 only).
import Foundation
import MilestoneSupport
import TTIR
import TTInterpreter
import TTPasses
import TTProfiler
import TinyTorch

/// The run's sizes: the default, or `--quick` for a smoke test.
struct Settings {
  var epochs = 20
  var fineTuneEpochs = 10
  var distillEpochs = 40
  var rounds = 201
  var gptSteps = 100
  var generationRepeats = 3
  var energy = 0.9

  init(_ arguments: Arguments) throws {
    if arguments.has("quick") {
      (epochs, fineTuneEpochs, distillEpochs, rounds, gptSteps, generationRepeats) = (5, 1, 5, 21, 5, 1)
    }
    rounds = try arguments.integer("rounds", default: rounds)
    gptSteps = try arguments.integer("gpt-steps", default: gptSteps)
    if let text = arguments.options["energy"] {
      guard let value = Double(text), LowRankFactors.problem(with: value) == nil else {
        throw MilestoneError("--energy needs a number in (0, 1], got '\(text)'")
      }
      energy = value
    }
    guard rounds > 0, gptSteps >= 0 else {
      throw MilestoneError("--rounds must be positive, --gpt-steps ≥ 0")
    }
  }
}

/// The trained model of a milestone: from its export in `directory` when there, else trained
/// by `train`. Returns the eager model and its graph.
func milestoneModel(
  _ name: String, in directory: URL, make: () -> Module, example: Tensor, train: (Module) throws -> Void
) throws -> (Module, Graph) {
  let url = directory.appendingPathComponent("\(name).json")
  let model = make()
  if FileManager.default.fileExists(atPath: url.path) {
    let graph = try ModelFile.load(from: url)
    let state = try graph.weights.map {
      (name: $0.key, tensor: try Tensor(shape: $0.value.shape, scalars: $0.value.floats()))
    }
    let report = try model.loadStateDict(state, strict: false)
    guard report.missingKeys.isEmpty else {
      throw MilestoneError("\(url.path) lacks \(report.missingKeys.joined(separator: ", "))")
    }
    print("\(name): loaded \(url.path)")
    return (model, graph)
  }
  print("\(name): no export at \(url.path); training it here")
  try train(model)
  model.eval()
  return (model, try trace(model, example: example, name: name))
}

runMilestone {
  let arguments = try Arguments(
    program: "mlperf-2018",
    flags: [
      "quick": "a smoke test: few epochs, rounds and training steps",
      "generation": "only the TinyTalks generation (part 3) and its floors",
    ],
    options: [
      "data": dataOptionHelp(holding: "tinydigits/ and tinytalks/"),
      "models":
        "DIR  exported milestone models (default out/ms): digits-mlp.json, lenet.json, tinytalks-gpt.safetensors",
      "rounds": "N  interleaved timing rounds (default 201)",
      "gpt-steps": "N  TinyTalks training steps when no export is found (default 100)",
      "energy": "E  energy kept by low-rank factorization (default 0.9)",
      "plot":
        "DIR  also draw the olympics tables and Pareto fronts as SVG into DIR (mlp-/cnn-olympics.svg, -pareto.svg)",
    ])
  let settings = try Settings(arguments)
  let models = URL(fileURLWithPath: arguments.options["models"] ?? "out/ms")
  let cache = FileManager.default.temporaryDirectory.appendingPathComponent("mlperf-2018-\(getpid())").path
  defer { try? FileManager.default.removeItem(atPath: cache) }
  let machine = Machine.current
  print(machine.line)
  var metrics: [(String, MetricValue)] = [("milestone", .string("2018-mlperf"))]

  // 1–2: the digits MLP and the LeNet CNN.
  let flat = try TinyDigits(dataOption: arguments.options["data"])
  let images = try TinyDigits(dataOption: arguments.options["data"], flatten: false)
  var olympics: [String: [Measurement]] = [:]
  let tasks =
    arguments.has("generation")
    ? []
    : [
      try CompressionTask.mlp(flat, settings: settings, models: models),
      try CompressionTask.cnn(images, settings: settings, models: models),
    ]
  for task in tasks {
    print("\n== \(task.title)")
    try profile(task.teacherGraph, cache: cache)
    let measurements = try compete(
      try task.contestants(), test: task.testSet, calibration: task.calibration, rounds: settings.rounds,
      cache: cache)
    olympics[task.key] = measurements
    print(
      "\noptimization olympics, \(task.title), batch 1 (medians of \(settings.rounds) interleaved rounds):")
    printMarkdown(olympicsTable(measurements))
    let summary = ParetoSummary(measurements)
    let baseline = measurements[0].interpretedSeconds
    print(
      "Pareto: fastest within 1 point of fp32: \(summary.fastest.name) "
        + "(\(microseconds(summary.fastest.compiledSeconds)), \(String(format: "%.1f", baseline / summary.fastest.compiledSeconds))× the fp32 interpreter, "
        + "\(percent(summary.fastest.compiledAccuracy))); smallest within 1 point: \(summary.smallest.name) "
        + "(\(bytes(summary.smallest.weightBytes))); front: \(summary.front.map(\.name).joined(separator: " → "))"
    )
    metrics += task.metrics(measurements, summary)
    if let directory = arguments.options["plot"] {
      let plots = OlympicsPlots(
        key: task.key, title: task.title, measurements: measurements, summary: summary,
        machine: "\(machine.cpu), \(machine.cores) cores")
      for path in try plots.write(to: URL(fileURLWithPath: directory)) { print("wrote \(path)") }
    }
  }

  // 3: generation with the TinyTalks GPT.
  print("\n== TinyTalks GPT generation")
  let (gpt, prompt) = try tinyTalksModel(
    dataOption: arguments.options["data"], models: models, steps: settings.gptSteps)
  let runs = try generationRuns(
    gpt, prompt: prompt, count: 128, repeats: settings.generationRepeats, cache: cache)
  for run in runs {
    print("  \(run.name): \(String(format: "%.0f", 128 / run.seconds)) tokens/s")
  }
  let eagerSpeedup = runs[0].seconds / runs[1].seconds
  let compiledSpeedup = runs[2].seconds / runs[3].seconds
  let identical = runs.allSatisfy { $0.tokens == runs[0].tokens }
  print(
    String(
      format:
        "KV cache speedup at 128 tokens: eager %.1f×, compiled %.1f×; compiled KV cache vs eager KV cache %.2f×; identical tokens: %@",
      eagerSpeedup, compiledSpeedup, runs[1].seconds / runs[3].seconds, identical ? "yes" : "no"))
  for (run, key) in zip(runs, ["eager_uncached", "eager_cached", "compiled_uncached", "compiled_cached"]) {
    metrics.append(("tokens_per_second_\(key)", .double(rounded(128 / run.seconds, 1))))
  }
  metrics += [
    ("kv_speedup_eager", .double(rounded(eagerSpeedup, 2))),
    ("kv_speedup_compiled", .double(rounded(compiledSpeedup, 2))),
    ("generated_tokens_identical", .bool(identical)),
  ]

  // The floors (the MLP's when the olympics ran).
  var floors = [
    ("KV cache ≥ 10× at 128 tokens, eager", eagerSpeedup >= 10),
    ("KV cache ≥ 10× at 128 tokens, compiled", compiledSpeedup >= 10),
  ]
  if let mlp = olympics["mlp"] {
    let mlpSpeedup = mlp[0].interpretedSeconds / ParetoSummary(mlp).fastest.compiledSeconds
    floors.insert(
      ("digits MLP: best compiled config ≥ 20× the fp32 interpreter within 1 point", mlpSpeedup >= 20), at: 0)
    metrics.append(("mlp_best_speedup", .double(rounded(mlpSpeedup, 2))))
  }
  for (floor, met) in floors { print("\(met ? "MET" : "MISSED"): \(floor)") }
  let passed = floors.allSatisfy(\.1)
  metrics.append(("passed", .bool(passed)))
  print(metricsLine(metrics))
  return passed
}
