import TTIR

/// A pass that quantizes with one of the ``Int8Quantizer``/``FP16Quantizer`` rewrites and
/// counts what it converted under ``counter``.
protocol QuantizationPass: Pass {
  /// The counter the statistics show (`layers`, `weights`).
  var counter: String { get }
  /// The rewritten graph and how many things were converted (0: unchanged).
  func quantize(_ graph: Graph) throws -> (Graph, Int)
}

extension QuantizationPass {
  public func run(_ graph: inout Graph, context: inout PassContext) throws -> Bool {
    let (result, count) = try quantize(graph)
    context.count(counter, by: count)
    graph = result
    return count > 0
  }
}

/// `quantize-fp16`: stores weight matrices as float16, computed in float32 (``FP16Quantizer``).
public struct QuantizeFP16: QuantizationPass {
  public static let name = "quantize-fp16"
  public static let purpose =
    "Stores f32 weight matrices as float16 (half the bytes), read through a cast to f32."
  public init() {}
  let counter = "weights"
  func quantize(_ graph: Graph) throws -> (Graph, Int) { try FP16Quantizer.quantize(graph) }
}

/// `quantize-int8-dynamic`: int8 `quantized_linear` and `quantized_conv2d` layers, activations
/// quantized per call
/// (``Int8Quantizer`` without ranges).
public struct QuantizeInt8Dynamic: QuantizationPass {
  public static let name = "quantize-int8-dynamic"
  public static let purpose =
    "Turns linear and conv2d layers into int8 quantized_linear/quantized_conv2d (per-channel weights, "
    + "activations quantized per call)."
  public init() {}
  let counter = "layers"
  func quantize(_ graph: Graph) throws -> (Graph, Int) { try Int8Quantizer.quantize(graph, ranges: nil) }
}

/// `quantize-int8-static`: int8 `quantized_linear` and `quantized_conv2d` layers and int8
/// activations between them, with calibrated ranges (``Int8Quantizer``; the ranges come from
/// `TTInterpreter.Calibration.ranges(of:samples:observer:)` on the graph this pass receives).
public struct QuantizeInt8Static: QuantizationPass {
  public static let name = "quantize-int8-static"
  public static let purpose =
    "Turns linear and conv2d layers into int8 quantized_linear/quantized_conv2d with calibrated activation "
    + "ranges (int8 between layers)."

  /// The calibrated range of every f32 value, by name.
  public var ranges: [String: ClosedRange<Float>]

  /// A pass using `ranges`.
  public init(ranges: [String: ClosedRange<Float>]) { self.ranges = ranges }

  public var options: String { "ranges=\(ranges.count)" }
  let counter = "layers"
  func quantize(_ graph: Graph) throws -> (Graph, Int) { try Int8Quantizer.quantize(graph, ranges: ranges) }
}
