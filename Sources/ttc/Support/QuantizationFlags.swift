import ArgumentParser
import Foundation
import TTIR
import TTInterpreter
import TTKernels
import TTPasses

extension QuantizationMode: ExpressibleByArgument {}

/// How `--calibrate` samples are summarized into activation ranges.
enum ObserverKind: String, CaseIterable, ExpressibleByArgument {
  /// The smallest and largest value seen.
  case minmax
  /// The 0.01th and 99.99th percentiles.
  case percentile

  var observer: CalibrationObserver {
    switch self {
    case .minmax: .minMax
    case .percentile: .percentile(99.99)
    }
  }
}

/// The quantization options of `ttc compile`, `run` and `bench`.
struct QuantizationFlags: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "Store and compute layers as: none, fp16 (half weights), int8-dynamic (int8 weights, activations "
        + "quantized per call) or int8 (static; needs --calibrate).", valueName: "mode"))
  var quantize: QuantizationMode = .none

  @Option(
    help: ArgumentHelp(
      "Sample inputs for --quantize int8: a float32 .npy of shape [N, ...input without batch]; "
        + "NAME=samples.npy for the input NAME of a model with several. Repeat it for more files "
        + "(samples of one input are concatenated; every input needs the same N).",
      valueName: "[NAME=]samples.npy"))
  var calibrate: [String] = []

  @Option(help: "How calibration ranges are taken: minmax or percentile (99.99%).")
  var observer: ObserverKind = .minmax

  func validate() throws {
    if quantize == .int8 && calibrate.isEmpty {
      throw ValidationError("--quantize int8 needs --calibrate samples.npy (or use --quantize int8-dynamic)")
    }
    if !calibrate.isEmpty && quantize != .int8 {
      throw ValidationError(
        "--calibrate is only used by --quantize int8 (got --quantize \(quantize.rawValue))")
    }
  }

  /// What these flags ask for (nil for `--quantize none`); the `--calibrate` files are read when
  /// the pass is made, since `NAME=` prefixes are resolved against the model's inputs.
  func request() -> QuantizationRequest? {
    guard quantize != .none else { return nil }
    return QuantizationRequest(mode: quantize, samples: .files(calibrate), observer: observer.observer)
  }
}

/// A quantization to apply after the other graph passes: the mode, and for static int8 the
/// calibration samples and how their ranges are taken.
struct QuantizationRequest {
  /// Where static int8 reads its calibration samples.
  enum Samples {
    /// `--calibrate` arguments: `samples.npy` or `NAME=samples.npy`, repeatable; read when the pass
    /// is made, since `NAME=` prefixes are resolved against the model's inputs.
    case files([String])
    /// float32 samples `[N, …input without batch]` for a one-input model, already read; `source`
    /// names them in messages.
    case loaded(NumpyFile, source: String)
  }

  let mode: QuantizationMode
  /// The calibration samples (read by static int8 only).
  let samples: Samples
  let observer: CalibrationObserver

  /// Where the samples came from, for messages (`--calibrate`).
  private var source: String {
    switch samples {
    case .files: "--calibrate"
    case .loaded(_, let source): source
    }
  }

  /// The quantization pass (nil for `none`), calibrated on `graph` (the model after the other
  /// passes) for static int8.
  func pass(for graph: Graph) throws -> (any Pass)? {
    var ranges: [String: ClosedRange<Float>]?
    if mode == .int8 {
      do {
        switch samples {
        case .loaded(let file, _):
          ranges = try Calibration.ranges(of: graph, samples: file, observer: observer)
        case .files(let arguments):
          ranges = try Calibration.ranges(
            of: graph, inputs: try calibrationFiles(arguments, graph), observer: observer)
        }
      } catch let error as CommandFailure {
        throw error
      } catch {
        throw CommandFailure("\(source): \(error)")
      }
    }
    do {
      return try mode.pass(ranges: ranges)
    } catch {
      throw CommandFailure("--quantize \(mode.rawValue): \(error)")
    }
  }

  /// Reads the `--calibrate` files, by input name (`NAME=path`, or a bare path for a one-input model).
  private func calibrationFiles(_ arguments: [String], _ graph: Graph) throws -> [String: [NumpyFile]] {
    guard !arguments.isEmpty else { throw CommandFailure("--quantize int8 needs calibration samples") }
    let names = graph.inputs.map(\.name)
    var samples: [String: [NumpyFile]] = [:]
    for argument in arguments {
      // NAME=path when NAME is an input of the model; otherwise the whole argument is a path.
      let prefix = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
      let named = argument.contains("=") && names.contains(prefix)
      let path = named ? String(argument.dropFirst(prefix.count + 1)) : argument
      guard named || names.count == 1 else {
        throw CommandFailure(
          "\(source) \(argument): the model has inputs \(names.joined(separator: ", ")); write \(source) NAME=samples.npy"
        )
      }
      do {
        samples[named ? prefix : names[0], default: []].append(
          try NumpyFile(contentsOf: URL(fileURLWithPath: path)))
      } catch {
        throw CommandFailure("\(source): \(error)")
      }
    }
    return samples
  }

  /// The line `ttc` prints after quantizing, from the pass's statistics.
  func note(_ statistics: PassStatistics) -> String {
    let count = statistics.counters.values.reduce(0, +)
    switch mode {
    case .none: return ""
    case .fp16:
      return count == 0
        ? unchanged("no f32 weight matrices") : "fp16: \(count) weight matrices stored as float16"
    case .int8Dynamic, .int8:
      let path = QuantizedLinear.KernelPath.automatic.resolved.name
      return count == 0
        ? unchanged("no linear or conv2d layer with stored f32 weights")
        : "\(mode.rawValue): \(count) linear/conv2d layers quantized (int8 kernel on this CPU: \(path))"
    }
  }

  private func unchanged(_ reason: String) -> String {
    "--quantize \(mode.rawValue): nothing to quantize (\(reason)); the model is unchanged"
  }
}
