// quantization-bench: the figures of README's "Quantization" section, in one run.
//
// 1. Accuracy and size on the tinydigits test set (200 images) of the 1986 MLP and the 1998 CNN,
//    trained as their milestones do: fp32, fp16, int8-dynamic and int8 static (calibrated on the
//    1000 training images, min/max), through the interpreter and the compiled library, and in
//    eager mode (Module.quantizeForEvaluation).
// 2. Latency of a 784→512→512→10 ReLU MLP and of LeNet (random weights) compiled fp32 / fp16 /
//    int8-dynamic / int8 static, at batch 64 and 1, the variants taking turns so load affects all
//    alike.
//
//   swift run -c release quantization-bench                 # the CPU's best int8 path
//   swift run -c release quantization-bench --isa avx2      # AVX2 int8 path, C built for x86-64-v3
//   ... --speed-only --cpu-time   # latency only, as the calling thread's CPU time (shared machines)
import Foundation
import MilestoneSupport
import TTCodegen
import TTIR
import TTInterpreter
import TTKernels
import TTLoader
import TTPasses
import TinyTorch

struct Options {
  var isa: String?
  var seconds = 2.0
  var data: String?
  var skipAccuracy = false
  var cpuTime = false

  init(_ arguments: [String]) throws {
    var rest = arguments[...]
    while let argument = rest.popFirst() {
      switch argument {
      case "--isa": isa = rest.popFirst()
      case "--seconds": seconds = Double(rest.popFirst() ?? "") ?? seconds
      case "--data": data = rest.popFirst()
      case "--speed-only": skipAccuracy = true
      case "--cpu-time": cpuTime = true
      default:
        throw MilestoneError(
          "unknown argument \(argument); usage: quantization-bench [--isa avx2|portable] [--seconds S] [--data DIR] [--speed-only] [--cpu-time]"
        )
      }
    }
  }
}

/// One way of storing a model.
enum Variant: String, CaseIterable {
  case fp32, fp16, int8Dynamic = "int8-dynamic", int8 = "int8-static"

  func apply(_ graph: Graph, calibration: NumpyFile) throws -> Graph {
    switch self {
    case .fp32: return graph
    case .fp16: return try FP16Quantizer.quantize(graph).graph
    case .int8Dynamic: return try Int8Quantizer.quantize(graph, ranges: nil).graph
    case .int8:
      let ranges = try Calibration.ranges(of: graph, samples: calibration, observer: .minMax)
      return try Int8Quantizer.quantize(graph, ranges: ranges).graph
    }
  }
}

func pad(_ text: String, _ width: Int) -> String {
  text.padding(toLength: width, withPad: " ", startingAt: 0)
}
func percent(_ value: Double) -> String { String(format: "%.1f%%", 100 * value) }

let options = try Options(Array(CommandLine.arguments.dropFirst()))
var compiler = try CCompiler.locate()
if let isa = options.isa {
  setenv("TT_INT8_KERNEL", isa, 1)
  if isa == "avx2" { compiler.targetCPU = "x86-64-v3" }
}
let cache = FileManager.default.temporaryDirectory.appendingPathComponent("quantization-bench-\(getpid())")
  .path
defer { try? FileManager.default.removeItem(atPath: cache) }
let compileOptions = CompileOptions(compiler: compiler, cacheDirectory: cache)

func compile(_ graph: Graph) throws -> (CompiledModel, Int) {
  let artifact = try ModelCompiler.compile(graph, options: compileOptions)
  return (try CompiledModel(path: artifact.libraryPath, expecting: artifact.graphHash), artifact.libraryBytes)
}

let machine =
  (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
  .split(separator: "\n").first { $0.hasPrefix("model name") }?.split(separator: ":").last?
  .trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
print("machine: \(machine), \(ProcessInfo.processInfo.activeProcessorCount) cores")
print(
  "int8 kernel path: \(QuantizedLinear.KernelPath.automatic.resolved.name); C: -march=\(compiler.targetCPU ?? "default")"
)

// MARK: Accuracy

func accuracy(_ logits: [Float], _ labels: [Float]) -> Double {
  let predictions = stride(from: 0, to: logits.count, by: 10).map { start in
    (0..<10).max { logits[start + $0] < logits[start + $1] }!
  }
  return Double(zip(predictions, labels).filter { Float($0) == $1 }.count) / Double(labels.count)
}

func accuracyTable(_ name: String, model: Module, train: TensorDataset, test: TensorDataset) throws {
  let (images, labels) = (test.tensors[0], test.tensors[1].scalars)
  let graph = try trace(model, example: images, name: name)
  let calibration = try NumpyFile(shape: train.tensors[0].shape, elements: .float32(train.tensors[0].scalars))
  print("\n\(name): test accuracy (\(labels.count) images) and size")
  print("  \(pad("variant", 14))\(pad("interpreter", 13))\(pad("compiled", 10))\(pad("weights", 10))library")
  for variant in Variant.allCases {
    let quantized = try variant.apply(graph, calibration: calibration)
    let interpreted = try Interpreter(graph: quantized).run([
      "x": InterpreterTensor(images.scalars, shape: images.shape)
    ])
    let (library, libraryBytes) = try compile(quantized)
    let compiled = try library.run([images.scalars])[0]
    let weightBytes = quantized.weights.values.reduce(0) { $0 + $1.bytes.count }
    print(
      "  \(pad(variant.rawValue, 14))\(pad(percent(accuracy(interpreted["y"]!.floats(), labels)), 13))"
        + "\(pad(percent(accuracy(compiled, labels)), 10))\(pad("\(weightBytes) B", 10))\(libraryBytes) B")
  }
  model.eval()
  let eager = try withNoGrad { try model(images) }.scalars
  print("  eager fp32: \(percent(accuracy(eager, labels)))")
  for mode in [EvaluationQuantization.fp16, .int8Dynamic] {
    let report = model.quantizeForEvaluation(mode)
    let output = try withNoGrad { try model(images) }.scalars
    print("  eager \(mode): \(percent(accuracy(output, labels))), \(report)")
  }
  model.removeEvaluationQuantization()
}

if !options.skipAccuracy {
  let flat = try TinyDigits(dataOption: options.data)
  manualSeed(1986)
  let mlp = DigitMLP(seed: 1986)
  let mlpTrainer = Trainer(
    model: mlp, optimizer: Adam(mlp.parameters(), learningRate: 2e-3), loss: Loss.crossEntropy)
  _ = try mlpTrainer.fit(try DataLoader(flat.train, batchSize: 32, shuffle: true, seed: 1986), epochs: 20)
  try accuracyTable("digits-mlp", model: mlp, train: flat.train, test: flat.test)

  let images = try TinyDigits(dataOption: options.data, flatten: false)
  let cnn = LeNet(seed: 1)
  let cnnTrainer = Trainer(
    model: cnn, optimizer: Adam(cnn.parameters(), learningRate: 0.01), loss: Loss.crossEntropy,
    schedule: CosineSchedule(maxLearningRate: 0.01, totalEpochs: 20))
  _ = try cnnTrainer.fit(try DataLoader(images.train, batchSize: 32, shuffle: true, seed: 1), epochs: 20)
  try accuracyTable("lenet", model: cnn, train: images.train, test: images.test)
}

// MARK: Speed

func randomMLP(batch: Int) throws -> Graph {
  var generator = RandomGenerator(seed: 784)
  var b = GraphBuilder(name: "mlp-784-512-512-10")
  var h = b.input("x", .f32, [batch, 784])
  for (index, (inFeatures, outFeatures)) in [(784, 512), (512, 512), (512, 10)].enumerated() {
    let bound = (6 / Float(inFeatures)).squareRoot()
    let weight = Tensor.uniform([inFeatures, outFeatures], low: -bound, high: bound, using: &generator)
      .scalars
    let w = b.weight("fc\(index).weight", TensorData(weight, shape: [inFeatures, outFeatures]))
    let bias = b.weight(
      "fc\(index).bias", TensorData([Float](repeating: 0.01, count: outFeatures), shape: [outFeatures]))
    h = b.add(.linear, [h, w, bias], name: "fc\(index)")
    if index < 2 { h = b.add(.relu, [h], name: "relu\(index)") }
  }
  b.output(h)
  return try b.build()
}

func median(_ values: [Double]) -> Double {
  let sorted = values.sorted()
  return sorted[sorted.count / 2]
}

/// Seconds of CPU time the calling thread has used: compiled models run on it (one kernel thread),
/// so on a shared machine this leaves out the time other jobs held the core.
func threadCPUSeconds() -> Double {
  var time = timespec()
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
  return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

/// Compiles `graph` in every variant and prints each one's median latency on `input`, the variants
/// taking turns so load affects all alike.
func latencyTable(_ title: String, graph: Graph, calibration: NumpyFile, input: TensorData, batch: Int) throws
{
  var sessions: [(Variant, CompiledModel.Session, Int, Int)] = []
  for variant in Variant.allCases {
    let quantized = try variant.apply(graph, calibration: calibration)
    let (model, bytes) = try compile(quantized)
    sessions.append(
      (variant, model.makeSession(), bytes, quantized.weights.values.reduce(0) { $0 + $1.bytes.count }))
  }
  var times = [[Double]](repeating: [], count: sessions.count)
  let clock = ContinuousClock()
  let deadline = clock.now + .seconds(options.seconds * Double(sessions.count))
  let callsPerTurn = batch == 1 ? 200 : 20
  for (_, session, _, _) in sessions { for _ in 0..<10 { _ = try session.run([input]) } }
  while clock.now < deadline {
    for (index, (_, session, _, _)) in sessions.enumerated() {
      for _ in 0..<callsPerTurn {
        let (start, cpuStart) = (clock.now, threadCPUSeconds())
        _ = try session.run([input])
        let elapsed = clock.now - start
        times[index].append(
          options.cpuTime
            ? threadCPUSeconds() - cpuStart
            : Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
      }
    }
  }
  let base = median(times[0])
  let measure = options.cpuTime ? "thread CPU time" : "latency"
  print("\n\(title) compiled, batch \(batch): median \(measure) (\(times[0].count) calls each)")
  print("  \(pad("variant", 14))\(pad("median", 12))\(pad("vs fp32", 10))\(pad("weights", 12))library")
  for (index, (variant, _, libraryBytes, weightBytes)) in sessions.enumerated() {
    let value = median(times[index])
    print(
      "  \(pad(variant.rawValue, 14))\(pad(String(format: "%.1f µs", value * 1e6), 12))"
        + "\(pad(String(format: "%.2f×", base / value), 10))\(pad("\(weightBytes) B", 12))\(libraryBytes) B")
  }
}

for batch in [64, 1] {
  let graph = try randomMLP(batch: batch)
  var generator = RandomGenerator(seed: 1)
  let samples = Tensor.uniform([256, 784], low: 0, high: 1, using: &generator)
  let calibration = try NumpyFile(shape: [256, 784], elements: .float32(samples.scalars))
  let input = TensorData(Array(samples.scalars[0..<batch * 784]), shape: [batch, 784])
  try latencyTable("784→512→512→10 MLP", graph: graph, calibration: calibration, input: input, batch: batch)
}

// LeNet (untrained weights: latency only) on 1×8×8 images; its convolutions run int8 too.
for batch in [64, 1] {
  var generator = RandomGenerator(seed: 2)
  let samples = Tensor.uniform([256, 1, 8, 8], low: 0, high: 1, using: &generator)
  let images = try Tensor(shape: [batch, 1, 8, 8], scalars: Array(samples.scalars[0..<batch * 64]))
  let graph = try trace(LeNet(seed: 1), example: images, name: "lenet")
  let calibration = try NumpyFile(shape: [256, 1, 8, 8], elements: .float32(samples.scalars))
  let input = TensorData(images.scalars, shape: [batch, 1, 8, 8])
  try latencyTable("LeNet (1×8×8)", graph: graph, calibration: calibration, input: input, batch: batch)
}
