import ArgumentParser
import Foundation
import TTIR
import TTInterpreter
import TTPasses

/// A model of `ttc bench --suite`: where its model file comes from, the batch sizes it runs at and
/// the data set its accuracy is measured on.
struct SuiteModel: Sendable {
  /// Where the model file comes from.
  enum Source: Sendable {
    /// `file` in the `--models` folder, written by the milestone `program` with `--export DIR`.
    case exported(file: String, program: String)
    /// Built by ttc itself (``GeneratedModels``) into a temporary folder for the run.
    case generated(@Sendable () throws -> Graph)
  }

  /// The name in the table and in entry ids.
  let name: String
  let source: Source
  let batches: [Int]
  /// Whether the model classifies tinydigits (input 64 pixels per sample, 10 logits): then its
  /// accuracy is measured on the test split and `int8-static` is calibrated on the training split.
  let classifiesDigits: Bool
  /// Whether the suite leaves the model out (with a note) when its export is missing, instead of
  /// failing its entries: its milestone takes minutes to train.
  var optional = false

  /// The fixed list: the exported milestone models (digits MLP, LeNet on 8×8 digits, the attention
  /// reverser, the TinyTalks GPT when exported), then a 784 → 512 → 512 → 10 MLP, LeNet-5 and a
  /// 1024³ GEMM. The reverser runs at batches 1 and 64 like the others and at its export batch 8
  /// (`specialize-batch` rescales the batch sizes its trace baked into reshapes and slices); the
  /// GPT at its export batch 1 (one 96-token window).
  static let all: [SuiteModel] = [
    SuiteModel(
      name: "digits-mlp", source: .exported(file: "digits-mlp.json", program: "mlp-1986"), batches: [1, 64],
      classifiesDigits: true),
    SuiteModel(
      name: "lenet", source: .exported(file: "lenet.json", program: "cnn-1998"), batches: [1, 64],
      classifiesDigits: true),
    SuiteModel(
      name: "reverser", source: .exported(file: "reverser.json", program: "attention-2017"),
      batches: [1, 8, 64],
      classifiesDigits: false),
    SuiteModel(
      name: "tinytalks-gpt", source: .exported(file: "tinytalks-gpt.json", program: "tinytalks-2017"),
      batches: [1], classifiesDigits: false, optional: true),
    SuiteModel(
      name: "mlp-784", source: .generated(GeneratedModels.mlp), batches: [1, 64], classifiesDigits: false),
    SuiteModel(
      name: "lenet-5", source: .generated(GeneratedModels.lenet5), batches: [1, 64], classifiesDigits: false),
    SuiteModel(
      name: "gemm-1024", source: .generated(GeneratedModels.gemm), batches: [1024], classifiesDigits: false),
  ]

  /// Why an ``optional`` model is left out of a run reading `models`, or nil when it runs.
  func skipReason(models: String) -> String? {
    guard optional, case .exported(let file, let program) = source else { return nil }
    let path = (models as NSString).appendingPathComponent(file)
    if FileManager.default.fileExists(atPath: path) { return nil }
    return "\(name): \(path) is missing, so its entries are left out (write it with: swift run -c release "
      + "\(program) --export \(models); it trains for minutes)"
  }

  /// The model file: in `models` for an exported model, else written into `scratch` now.
  ///
  /// - Throws: ``CommandFailure`` naming the missing file and the command that writes it.
  func file(models: String, scratch: URL) throws -> String {
    switch source {
    case .exported(let file, let program):
      let path = (models as NSString).appendingPathComponent(file)
      guard FileManager.default.fileExists(atPath: path) else {
        throw CommandFailure(
          "\(path) is missing (write it with: swift run -c release \(program) --export \(models))")
      }
      return path
    case .generated(let build):
      let url = scratch.appendingPathComponent("\(name).json")
      do {
        try ModelFile.save(try build(), to: url)
      } catch {
        throw CommandFailure("\(name): cannot generate the model (\(error))")
      }
      return url.path
    }
  }
}

/// How an entry of the suite runs its model.
enum SuiteMode: String, CaseIterable, ExpressibleByArgument, Sendable {
  /// The interpreter on the `-O2` graph: the baseline of the speedups.
  case interpreted
  /// The compiled library without graph passes.
  case compiledO0 = "compiled-O0"
  /// The compiled library of the `-O2` graph (exact passes and fusion).
  case compiledO2 = "compiled-O2"
  /// `-O2`, weights stored as float16, compiled.
  case fp16
  /// `-O2`, int8 weights with activations quantized per call, compiled.
  case int8Dynamic = "int8-dynamic"
  /// `-O2`, int8 weights and activations calibrated on training samples, compiled (models with
  /// data only).
  case int8Static = "int8-static"
  /// `-O2` after zeroing 80% of every weight by magnitude (sparse storage), compiled.
  case pruned = "pruned-80"

  /// The graph passes' level.
  var level: OptimizationLevel { self == .compiledO0 ? .O0 : .O2 }

  /// Whether the entry runs the compiled library (else the interpreter).
  var isCompiled: Bool { self != .interpreted }

  /// The quantization this mode applies after the passes.
  var quantization: QuantizationMode {
    switch self {
    case .interpreted, .compiledO0, .compiledO2, .pruned: .none
    case .fp16: .fp16
    case .int8Dynamic: .int8Dynamic
    case .int8Static: .int8
    }
  }

  /// The magnitude-pruning sparsity of this mode, if it prunes.
  var pruneSparsity: Double? { self == .pruned ? 0.8 : nil }

  /// The pipeline of this mode at `batch`.
  func pipeline(batch: Int) throws -> Pipeline {
    let options = PassOptions(batchSize: batch, evaluator: Interpreter.evaluate, pruneSparsity: pruneSparsity)
    do {
      return try Pipeline.level(level, options: options)
    } catch {
      throw CommandFailure("\(error)")
    }
  }
}

/// One measurement of the suite: a model at a batch size in a mode.
struct SuiteEntry: Sendable {
  let model: SuiteModel
  let batch: Int
  let mode: SuiteMode

  /// `digits-mlp/b64/int8-dynamic`: what `--filter` matches.
  var id: String { "\(model.name)/b\(batch)/\(mode.rawValue)" }

  /// Every entry of `models` in `modes` (int8-static only for models with calibration data), in
  /// table order: by model, then batch, then mode.
  static func all(models: [SuiteModel] = SuiteModel.all, modes: [SuiteMode] = SuiteMode.allCases)
    -> [SuiteEntry]
  {
    models.flatMap { model in
      model.batches.flatMap { batch in
        modes.filter { $0 != .int8Static || model.classifiesDigits }.map {
          SuiteEntry(model: model, batch: batch, mode: $0)
        }
      }
    }
  }
}
