import Foundation
import TTIR
import TTInterpreter
import XCTest

@testable import TTONNX

/// A tensor proto of ONNX element type `type`, its data set by `fill`.
private func tensor(
  _ name: String, _ type: Int32, _ dims: [Int64], _ fill: (inout Onnx_TensorProto) -> Void
) -> Onnx_TensorProto {
  var proto = Onnx_TensorProto()
  proto.name = name
  proto.dataType = type
  proto.dims = dims
  fill(&proto)
  return proto
}

/// A `UINT8` tensor proto holding `values` as raw data.
private func uint8Tensor(_ name: String, _ values: [UInt8], _ dims: [Int64]) -> Onnx_TensorProto {
  tensor(name, ONNXDataType.uint8, dims) { $0.rawData = Data(values) }
}

private func littleEndian<T: FixedWidthInteger>(_ values: [T]) -> Data {
  Data(values.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) })
}

/// Initializers and inputs of the ONNX element types the IR lacks are stored as the nearest IR
/// dtype: DOUBLE → f32 (rounded), BFLOAT16 → f32 (exact), UINT8 → i32 (exact).
final class InitializerTypeTests: XCTestCase {
  func testDoubleBFloat16AndUInt8InitializersFromRawDataAndTypedFields() throws {
    let doubles = [0.1, -2.5, 1e300, 3.0]
    // bfloat16 bits: 1.0 = 0x3F80, -2.0 = 0xC000, 0.5 = 0x3F00, 3.0 = 0x4040.
    let halves: [UInt16] = [0x3F80, 0xC000, 0x3F00, 0x4040]
    let bytes: [UInt8] = [0, 7, 200, 255]
    let cases: [Onnx_TensorProto] = [
      tensor("d_raw", ONNXDataType.double, [4]) { $0.rawData = littleEndian(doubles.map(\.bitPattern)) },
      tensor("d_typed", ONNXDataType.double, [4]) { $0.doubleData = doubles },
      tensor("b_raw", ONNXDataType.bfloat16, [4]) { $0.rawData = littleEndian(halves) },
      tensor("b_typed", ONNXDataType.bfloat16, [4]) { $0.int32Data = halves.map(Int32.init) },
      tensor("u_raw", ONNXDataType.uint8, [4]) { $0.rawData = Data(bytes) },
      tensor("u_typed", ONNXDataType.uint8, [4]) { $0.int32Data = bytes.map(Int32.init) },
    ]
    for proto in cases {
      let data = try proto.tensorData(directory: nil)
      switch proto.dataType {
      case ONNXDataType.double:
        XCTAssertEqual(data.dtype, .f32, proto.name)
        XCTAssertEqual(data.floats(), doubles.map { Float($0) }, proto.name)  // 1e300 → inf, as Float(_:)
      case ONNXDataType.bfloat16:
        XCTAssertEqual(data.dtype, .f32, proto.name)
        XCTAssertEqual(data.floats(), [1, -2, 0.5, 3], proto.name)
      default:
        XCTAssertEqual(data.dtype, .i32, proto.name)
        XCTAssertEqual(data.int64s(), [0, 7, 200, 255], proto.name)
      }
    }
    // A raw_data length that does not fit the source type is refused, naming the tensor.
    let short = tensor("d_short", ONNXDataType.double, [4]) { $0.rawData = Data(count: 16) }
    XCTAssertThrowsError(try short.tensorData(directory: nil)) {
      XCTAssertEqual("\($0)", "tensor 'd_short': DOUBLE[4] needs 32 bytes of data but has 16")
    }
  }

  func testAModelWithDoubleAndUInt8InputsImportsAndRuns() throws {
    var model = ONNXModelBuilder()
    model.input("x", [3], type: ONNXDataType.double)
    model.input("q", [3], type: ONNXDataType.uint8)
    model.graph.initializer.append(
      tensor("scale", ONNXDataType.bfloat16, [3]) {
        $0.rawData = littleEndian([UInt16(0x3F80), 0x4000, 0x3F00])
      })
    model.node("Mul", ["x", "scale"], ["scaled"])
    model.node("Cast", ["q"], ["qf"], attributes: [Attribute.int("to", Int(ONNXDataType.float))])
    model.node("Add", ["scaled", "qf"], ["y"])
    model.output("y")
    let graph = try model.importGraph()
    XCTAssertEqual(graph.inputs.map(\.type), [TensorType(.f32, [3]), TensorType(.i32, [3])])
    let outputs = try Interpreter(graph: graph).run([
      "x": InterpreterTensor([1, 2, 3], shape: [3]),
      "q": try InterpreterTensor(shape: [3], storage: .i32([0, 200, 255])),
    ])
    XCTAssertEqual(outputs["y"]?.floats(), [1, 204, 256.5])
  }
}

/// Per-axis `QuantizeLinear`/`DequantizeLinear` (one scale and zero point per channel).
final class PerAxisQuantizationTests: XCTestCase {
  func testPerAxisQuantizeThenDequantizeFollowsTheFormula() throws {
    let scales: [Float] = [0.1, 0.5, 0.02]
    let zeroPoints: [Int8] = [0, -3, 100]
    var model = ONNXModelBuilder(opset: 13)
    model.input("x", [2, 3, 2])
    model.initializer("s", TensorData(scales, shape: [3]))
    model.initializer("z", TensorData(int8s: zeroPoints, shape: [3]))
    model.node("QuantizeLinear", ["x", "s", "z"], ["q"])  // axis 1 by default
    model.node("DequantizeLinear", ["q", "s", "z"], ["y"])
    model.output("y")
    let graph = try model.importGraph()
    let x: [Float] = [0.05, -0.15, 1.25, -7.75, 2.5, -1, 0.3, 12.7, 0.75, 100, -0.01, 3]
    let y = try Interpreter(graph: graph).run(["x": InterpreterTensor(x, shape: [2, 3, 2])])["y"]!.floats()
    let expected = x.indices.map { index -> Float in
      let channel = index / 2 % 3
      let q = max(
        -128, min(127, (x[index] / scales[channel]).rounded(.toNearestOrEven) + Float(zeroPoints[channel])))
      return (q - Float(zeroPoints[channel])) * scales[channel]
    }
    XCTAssertEqual(y, expected)
  }

  func testPerAxisDequantizedWeightsFoldToAConstant() throws {
    var model = ONNXModelBuilder(opset: 13)
    model.input("x", [1, 2])
    model.initializer("wq", TensorData(int8s: [10, -20, 30, 127, -128, 0], shape: [2, 3]))
    model.initializer("ws", TensorData([0.5, 0.25, 2], shape: [3]))
    model.node("DequantizeLinear", ["wq", "ws"], ["w"], attributes: [Attribute.int("axis", 1)])
    model.node("MatMul", ["x", "w"], ["y"])
    model.output("y")
    let graph = try model.importGraph()
    XCTAssertFalse(graph.nodes.contains { $0.op == .dequantizeLinear || $0.op == .cast })
    let y = try Interpreter(graph: graph).run(["x": InterpreterTensor([1, 2], shape: [1, 2])])["y"]!.floats()
    // w = [[5, -5, 60], [63.5, -32, 0]]
    XCTAssertEqual(y, [5 + 127, -5 - 64, 60])
    var wrong = model
    wrong.graph.initializer[1] = Onnx_TensorProto(TensorData([0.5, 0.25], shape: [2]), name: "ws")
    XCTAssertThrowsError(try wrong.importGraph()) {
      XCTAssertTrue("\($0)".contains("per-axis scale has 2 values for axis 1 of length 3"), "\($0)")
    }
  }
}

/// `UINT8` `QuantizeLinear`/`DequantizeLinear`: values and zero points in 0...255, held as `i32`.
final class UInt8QuantizationTests: XCTestCase {
  /// ONNX's `clamp(roundEven(x / scale) + zero_point, 0, 255)`.
  private func quantized(_ x: Float, _ scale: Float, _ zeroPoint: UInt8) -> Float {
    max(0, min(255, (x / scale).rounded(.toNearestOrEven) + Float(zeroPoint)))
  }

  func testPerTensorAndPerAxisFollowTheFormula() throws {
    let scales: [Float] = [0.1, 0.5, 0.02]
    let zeroPoints: [UInt8] = [0, 255, 17]
    var model = ONNXModelBuilder(opset: 13)
    model.input("x", [2, 3, 2])
    model.initializer("s", TensorData([0.25], shape: []))
    model.graph.initializer.append(uint8Tensor("z", [130], []))
    model.initializer("sa", TensorData(scales, shape: [3]))
    model.graph.initializer.append(uint8Tensor("za", zeroPoints, [3]))
    model.node("QuantizeLinear", ["x", "s", "z"], ["q"])
    model.node("DequantizeLinear", ["q", "s", "z"], ["y"])
    model.node("QuantizeLinear", ["x", "sa", "za"], ["qa"])  // axis 1 by default
    model.node("DequantizeLinear", ["qa", "sa", "za"], ["ya"])
    for name in ["q", "y", "qa", "ya"] { model.output(name) }
    let graph = try model.importGraph()
    XCTAssertEqual(graph.outputs.map(\.type.dtype), [.i32, .f32, .i32, .f32])
    let x: [Float] = [0.05, -0.15, 31.25, -32.75, 2.5, -1, 0.3, 12.7, 0.75, 100, -0.01, 3]
    let outputs = try Interpreter(graph: graph).run(["x": InterpreterTensor(x, shape: [2, 3, 2])])
    let q = x.map { quantized($0, 0.25, 130) }
    let qa = x.indices.map { quantized(x[$0], scales[$0 / 2 % 3], zeroPoints[$0 / 2 % 3]) }
    XCTAssertEqual(outputs["q"]!.floats(), q)
    XCTAssertEqual(outputs["y"]!.floats(), q.map { ($0 - 130) * 0.25 })
    XCTAssertEqual(outputs["qa"]!.floats(), qa)
    XCTAssertEqual(
      outputs["ya"]!.floats(),
      qa.indices.map { (qa[$0] - Float(zeroPoints[$0 / 2 % 3])) * scales[$0 / 2 % 3] })
    XCTAssertEqual(q.filter { $0 == 0 || $0 == 255 }.count, 3, "both bounds are reached")
  }

  func testWithoutAZeroPointTheOutputIsUInt8() throws {
    var model = ONNXModelBuilder(opset: 13)
    model.input("x", [4])
    model.initializer("s", TensorData([0.5], shape: []))
    model.node("QuantizeLinear", ["x", "s"], ["q"])
    model.output("q")
    let graph = try model.importGraph()
    let q = try Interpreter(graph: graph).run(["x": InterpreterTensor([-3, 0.75, 1.25, 500], shape: [4])])[
      "q"]!
    XCTAssertEqual(q.int64s(), [0, 2, 2, 255])
  }

  func testUInt8WeightsDequantizedPerAxisFoldToAConstant() throws {
    var model = ONNXModelBuilder(opset: 13)
    model.input("x", [1, 2])
    model.graph.initializer.append(uint8Tensor("wq", [10, 20, 255, 0, 128, 7], [2, 3]))
    model.initializer("ws", TensorData([0.5, 0.25, 2], shape: [3]))
    model.graph.initializer.append(uint8Tensor("wz", [10, 128, 7], [3]))
    model.node("DequantizeLinear", ["wq", "ws", "wz"], ["w"], attributes: [Attribute.int("axis", 1)])
    model.node("MatMul", ["x", "w"], ["y"])
    model.output("y")
    let graph = try model.importGraph()
    XCTAssertEqual(graph.nodes.map(\.op), [.linear], "the weights folded to a constant")
    let y = try Interpreter(graph: graph).run(["x": InterpreterTensor([1, 2], shape: [1, 2])])["y"]!.floats()
    // w = [[0, -27, 496], [-5, 0, 0]]
    XCTAssertEqual(y, [-10, -27, 496])
  }

  func testZeroPointTypesThatDoNotFitAreRefused() throws {
    var model = ONNXModelBuilder(opset: 13)
    model.input("x", [2])
    model.initializer("s", TensorData([0.5], shape: []))
    model.initializer("zi", TensorData(int32s: [3], shape: []))
    model.graph.initializer.append(uint8Tensor("zu", [3], []))
    model.initializer("q8", TensorData(int8s: [1, 2], shape: [2]))
    var wide = model
    wide.node("QuantizeLinear", ["x", "s", "zi"], ["q"], name: "wide")
    wide.output("q")
    assertFails(
      "node 'wide' (QuantizeLinear, opset 13): quantization to INT32 is not supported (INT8, UINT8)"
    ) {
      _ = try wide.importGraph()
    }
    var mixed = model
    mixed.node("DequantizeLinear", ["q8", "s", "zu"], ["y"], name: "mixed")
    mixed.output("y")
    assertFails(
      "node 'mixed' (DequantizeLinear, opset 13): the zero point's type UINT8 differs from the input's INT8"
    ) {
      _ = try mixed.importGraph()
    }
    var conflicting = model
    conflicting.node(
      "QuantizeLinear", ["x", "s", "zu"], ["q"], name: "conflict",
      attributes: [Attribute.int("output_dtype", Int(ONNXDataType.int8))])
    conflicting.output("q")
    assertFails("output_dtype INT8 differs from the zero point's type") { _ = try conflicting.importGraph() }
  }
}

/// `INT16` and `UINT16` are held as `i32` (exact): initializers, inputs and `DequantizeLinear`
/// are supported; `QuantizeLinear` and `Cast` to them are refused with one line.
final class Int16TensorTests: XCTestCase {
  private let int16s: [Int16] = [-32768, -1, 0, 32767]
  private let uint16s: [UInt16] = [0, 1, 40000, 65535]

  func testInitializersFromRawDataAndTypedFields() throws {
    let cases: [(Onnx_TensorProto, [Int64])] = [
      (
        tensor("i_raw", ONNXDataType.int16, [4]) { $0.rawData = littleEndian(int16s) }, int16s.map(Int64.init)
      ),
      (
        tensor("i_typed", ONNXDataType.int16, [4]) { $0.int32Data = int16s.map(Int32.init) },
        int16s.map(Int64.init)
      ),
      (
        tensor("u_raw", ONNXDataType.uint16, [4]) { $0.rawData = littleEndian(uint16s) },
        uint16s.map(Int64.init)
      ),
      (
        tensor("u_typed", ONNXDataType.uint16, [4]) { $0.int32Data = uint16s.map(Int32.init) },
        uint16s.map(Int64.init)
      ),
    ]
    for (proto, expected) in cases {
      let data = try proto.tensorData(directory: nil)
      XCTAssertEqual(data.type, TensorType(.i32, [4]), proto.name)
      XCTAssertEqual(data.int64s(), expected, proto.name)
    }
    let short = tensor("i_short", ONNXDataType.int16, [4]) { $0.rawData = Data(count: 6) }
    XCTAssertThrowsError(try short.tensorData(directory: nil)) {
      XCTAssertEqual("\($0)", "tensor 'i_short': INT16[4] needs 8 bytes of data but has 6")
    }
  }

  /// `(x − zero_point) · scale` per tensor on an INT16 input, and per axis on UINT16 weights
  /// (which fold to a constant).
  func testDequantizeFollowsTheFormula() throws {
    var model = ONNXModelBuilder(opset: 21)
    model.input("x", [4], type: ONNXDataType.int16)
    model.initializer("s", TensorData([0.5], shape: []))
    model.graph.initializer.append(
      tensor("z", ONNXDataType.int16, []) { $0.rawData = littleEndian([Int16(-7)]) })
    model.graph.initializer.append(
      tensor("wq", ONNXDataType.uint16, [2, 2]) { $0.rawData = littleEndian(uint16s) })
    model.initializer("ws", TensorData([0.25, 2], shape: [2]))
    model.graph.initializer.append(
      tensor("wz", ONNXDataType.uint16, [2]) { $0.rawData = littleEndian([UInt16(1), 65535]) })
    model.node("DequantizeLinear", ["x", "s", "z"], ["y"])
    model.node("DequantizeLinear", ["wq", "ws", "wz"], ["w"], attributes: [Attribute.int("axis", 1)])
    model.node("Identity", ["w"], ["wo"])
    model.output("y")
    model.output("wo")
    let graph = try model.importGraph()
    XCTAssertEqual(graph.inputs[0].type, TensorType(.i32, [4]))
    let outputs = try Interpreter(graph: graph).run([
      "x": try InterpreterTensor(shape: [4], storage: .i32(int16s.map(Int32.init)))
    ])
    XCTAssertEqual(outputs["y"]?.floats(), int16s.map { (Float($0) + 7) * 0.5 })
    // w = [[(0 − 1) · 0.25, (1 − 65535) · 2], [(40000 − 1) · 0.25, (65535 − 65535) · 2]]
    XCTAssertEqual(outputs["wo"]?.floats(), [-0.25, -131_068, 9999.75, 0])
  }

  func testQuantizeAndCastToThemAreRefused() {
    var model = ONNXModelBuilder(opset: 21)
    model.input("x", [2])
    model.initializer("s", TensorData([0.5], shape: []))
    model.graph.initializer.append(
      tensor("z", ONNXDataType.uint16, []) { $0.rawData = littleEndian([UInt16(3)]) })
    var quantize = model
    quantize.node("QuantizeLinear", ["x", "s", "z"], ["q"], name: "q16")
    quantize.output("q")
    assertFails(
      "node 'q16' (QuantizeLinear, opset 21): quantization to UINT16 is not supported (INT8, UINT8)"
    ) {
      _ = try quantize.importGraph()
    }
    var cast = model
    cast.node("Cast", ["x"], ["c"], name: "c16", attributes: [Attribute.int("to", Int(ONNXDataType.int16))])
    cast.output("c")
    assertFails("node 'c16' (Cast, opset 21): cast to INT16 is not supported") { _ = try cast.importGraph() }
  }
}
