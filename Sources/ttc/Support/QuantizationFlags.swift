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

  /// The quantization pass asked for (nil for `--quantize none`), calibrated on `graph` (the
  /// model after the other passes) for `--quantize int8`.
  func pass(for graph: Graph) throws -> (any Pass)? {
    do {
      return try quantize.pass(ranges: quantize == .int8 ? calibrationRanges(graph) : nil)
    } catch let failure as CommandFailure {
      throw failure
    } catch {
      throw CommandFailure("--quantize \(quantize.rawValue): \(error)")
    }
  }

  /// The line `ttc` prints after quantizing, from the pass's statistics.
  func note(_ statistics: PassStatistics) -> String {
    let count = statistics.counters.values.reduce(0, +)
    switch quantize {
    case .none: return ""
    case .fp16:
      return count == 0
        ? unchanged("no f32 weight matrices") : "fp16: \(count) weight matrices stored as float16"
    case .int8Dynamic, .int8:
      let path = QuantizedLinear.KernelPath.automatic.resolved.name
      return count == 0
        ? unchanged("no linear layer with stored f32 weights")
        : "\(quantize.rawValue): \(count) linear layers quantized (int8 kernel on this CPU: \(path))"
    }
  }

  private func unchanged(_ reason: String) -> String {
    "--quantize \(quantize.rawValue): nothing to quantize (\(reason)); the model is unchanged"
  }

  private func calibrationRanges(_ graph: Graph) throws -> [String: ClosedRange<Float>] {
    let names = graph.inputs.map(\.name)
    var samples: [String: [NumpyFile]] = [:]
    for argument in calibrate {
      // NAME=path when NAME is an input of the model; otherwise the whole argument is a path.
      let prefix = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
      let named = argument.contains("=") && names.contains(prefix)
      let path = named ? String(argument.dropFirst(prefix.count + 1)) : argument
      guard named || names.count == 1 else {
        throw CommandFailure(
          "--calibrate \(argument): the model has inputs \(names.joined(separator: ", ")); write --calibrate NAME=samples.npy"
        )
      }
      do {
        samples[named ? prefix : names[0], default: []].append(
          try NumpyFile(contentsOf: URL(fileURLWithPath: path)))
      } catch {
        throw CommandFailure("--calibrate: \(error)")
      }
    }
    do {
      return try Calibration.ranges(of: graph, inputs: samples, observer: observer.observer)
    } catch {
      throw CommandFailure("--calibrate: \(error)")
    }
  }
}
