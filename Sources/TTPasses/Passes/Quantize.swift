import TTIR

/// `quantize-fp16`: stores weight matrices as float16, computed in float32 (``FP16Quantizer``).
public struct QuantizeFP16: Pass {
  public static let name = "quantize-fp16"
  public static let purpose =
    "Stores f32 weight matrices as float16 (half the bytes), read through a cast to f32."
  public init() {}

  public func run(_ graph: inout Graph, context: inout PassContext) throws -> Bool {
    let (result, count) = try FP16Quantizer.quantize(graph)
    context.count("weights", by: count)
    graph = result
    return count > 0
  }
}

/// `quantize-int8-dynamic`: int8 `quantized_linear` layers, activations quantized per call
/// (``Int8Quantizer`` without ranges).
public struct QuantizeInt8Dynamic: Pass {
  public static let name = "quantize-int8-dynamic"
  public static let purpose =
    "Turns linear layers into int8 quantized_linear (per-channel weights, activations quantized per call)."
  public init() {}

  public func run(_ graph: inout Graph, context: inout PassContext) throws -> Bool {
    let (result, count) = try Int8Quantizer.quantize(graph, ranges: nil)
    context.count("layers", by: count)
    graph = result
    return count > 0
  }
}

/// `quantize-int8-static`: int8 `quantized_linear` layers and int8 activations between them,
/// with calibrated ranges (``Int8Quantizer``; the ranges come from
/// `TTInterpreter.Calibration.ranges(of:samples:observer:)` on the graph this pass receives).
public struct QuantizeInt8Static: Pass {
  public static let name = "quantize-int8-static"
  public static let purpose =
    "Turns linear layers into int8 quantized_linear with calibrated activation ranges (int8 between layers)."

  /// The calibrated range of every f32 value, by name.
  public var ranges: [String: ClosedRange<Float>]

  /// A pass using `ranges`.
  public init(ranges: [String: ClosedRange<Float>]) { self.ranges = ranges }

  public var options: String { "ranges=\(ranges.count)" }

  public func run(_ graph: inout Graph, context: inout PassContext) throws -> Bool {
    let (result, count) = try Int8Quantizer.quantize(graph, ranges: ranges)
    context.count("layers", by: count)
    graph = result
    return count > 0
  }
}
