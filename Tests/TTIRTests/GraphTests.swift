import XCTest

@testable import TTIR

final class GraphTests: XCTestCase {
  func testBuilderInfersTypesAndNames() throws {
    var b = GraphBuilder(name: "tiny")
    let x = b.input("x", .f32, [2, 3])
    let r = b.add(.relu, [x])
    let s = b.add(.relu, [r])
    XCTAssertEqual(r, "relu_0")
    XCTAssertEqual(s, "relu_1")
    XCTAssertEqual(b.type(of: s), t(.f32, 2, 3))
    let y = b.add(
      .reduceSum, [s], attributes: ["axes": [1], "keepdims": true], name: "total", output: "y")
    XCTAssertEqual(y, "y")
    b.output(y)
    let graph = try b.build()
    XCTAssertEqual(graph.outputs, [ValueInfo("y", .f32, [2, 1])])
    XCTAssertEqual(graph.nodes.map(\.name), ["relu_0", "relu_1", "total"])
    XCTAssertEqual(
      graph.nodes[2].description, "y = reduce_sum(relu_1) {axes=[1], keepdims=true}  # total")
  }

  func testBuilderReportsFirstError() {
    var b = GraphBuilder(name: "g")
    b.add(.relu, ["ghost"], name: "r")
    b.output("r")
    assertThrows("node 'r' (relu): input 'ghost' is not defined before this node") {
      _ = try b.build()
    }
  }

  func testUseDefHelpers() throws {
    let graph = try makeMLP()
    let last = graph.lastUses()
    XCTAssertEqual(last["x"], 0)
    XCTAssertEqual(last["fc1"], 1)
    XCTAssertEqual(last["act1"], 2)
    XCTAssertEqual(last["fc2.weight"], 2)
    XCTAssertEqual(last["probs"], 4, "graph outputs live to the end")
  }

  func testNodeAttributeDefaults() {
    let conv = Node(
      name: "c", op: .conv2d, inputs: ["x", "w"], outputs: ["y"], attributes: ["stride": [2, 2]])
    XCTAssertEqual(conv.ints("stride"), [2, 2])
    XCTAssertEqual(conv.ints("padding"), [0, 0])
    XCTAssertEqual(conv.int("groups"), 1)
    let leaky = Node(name: "l", op: .leakyRelu, inputs: ["x"], outputs: ["y"], attributes: [:])
    XCTAssertEqual(leaky.float("alpha"), 0.01)
    let clamp = Node(name: "c", op: .clamp, inputs: ["x"], outputs: ["y"], attributes: ["max": 6])
    XCTAssertNil(clamp.float("min"))
    XCTAssertEqual(clamp.float("max"), 6)
    XCTAssertEqual(
      Node(name: "g", op: .gelu, inputs: [], outputs: []).string("approximate"), "none")
  }

  func testAttributeValues() {
    let values: [AttributeValue] = [1, 2.5, "s", true, [1, 2], .floats([0.5])]
    XCTAssertEqual(values.map(\.kind), [.int, .float, .string, .bool, .ints, .floats])
    XCTAssertEqual(AttributeValue.int(3).floatValue, 3)
    XCTAssertEqual(AttributeValue.ints([1]).floatsValue, [1])
    XCTAssertNil(AttributeValue.float(1).intValue)
    XCTAssertEqual(AttributeValue.int(2).converted(to: .float), .float(2))
    XCTAssertNil(AttributeValue.float(2).converted(to: .int))
    XCTAssertEqual(values.map(\.description), ["1", "2.5", "\"s\"", "true", "[1, 2]", "[0.5]"])
  }

  func testTensorTypes() {
    let type = t(.f32, 32, 64)
    XCTAssertEqual(type.description, "f32[32, 64]")
    XCTAssertEqual(type.elementCount, 2048)
    XCTAssertEqual(type.byteCount, 8192)
    XCTAssertEqual(t(.i64).description, "i64[]")
    XCTAssertEqual(t(.i64).elementCount, 1)
    XCTAssertEqual(DType.allCases.map(\.byteSize), [4, 2, 1, 4, 8])
    XCTAssertEqual(DType.allCases.map(\.rawValue), ["f32", "f16", "i8", "i32", "i64"])
    XCTAssertNil(t(.f32, -1, 2).checkedByteCount)
    XCTAssertNil(t(.f32, .max, 2).checkedByteCount)
    XCTAssertEqual(t(.f16, 3, 0).checkedByteCount, 0)
  }

  func testTensorData() throws {
    let data = TensorData([1.5, -2], shape: [2])
    XCTAssertEqual(data.bytes, [0, 0, 0xC0, 0x3F, 0, 0, 0, 0xC0])
    XCTAssertEqual(data.floats(), [1.5, -2])
    XCTAssertEqual(TensorData(int64s: [-1, 5], shape: [2, 1]).int64s(), [-1, 5])
    XCTAssertEqual(TensorData(int32s: [7], shape: []).floats(), [7])
    XCTAssertEqual(TensorData(int8s: [-128, 127], shape: [2]).bytes, [0x80, 0x7F])
    XCTAssertEqual(TensorData(halves: [1, -2.5, 65504], shape: [3]).floats(), [1, -2.5, 65504])
    XCTAssertEqual(TensorData([2.9, -2.9], shape: [2]).int64s(), [2, -2])
    XCTAssertThrowsError(try TensorData(type: t(.f32, 2), bytes: [0, 0, 0]))
    assertThrows("f32[2] needs 8 bytes but 3 were given") {
      _ = try TensorData(type: t(.f32, 2), bytes: [0, 0, 0])
    }
  }

  func testHalfConversion() {
    let cases: [(Float, UInt16)] = [
      (0, 0x0000), (-0.0, 0x8000), (1, 0x3C00), (-2, 0xC000), (65504, 0x7BFF), (65520, 0x7C00),
      (.infinity, 0x7C00), (0x1p-24, 0x0001), (0x1p-25, 0x0000), (0x1.8p-25, 0x0001),
      (0x1p-14, 0x0400),
      (1.0009765625, 0x3C01), (1.00048828125, 0x3C00), (1.00146484375, 0x3C02),
    ]
    for (value, bits) in cases {
      XCTAssertEqual(HalfConversion.halfBits(from: value), bits, "\(value)")
    }
    for bits in [UInt16(0x0001), 0x03FF, 0x0400, 0x3C00, 0x7BFF, 0x8001, 0xFBFF, 0x7C00] {
      XCTAssertEqual(HalfConversion.halfBits(from: HalfConversion.float(fromHalfBits: bits)), bits)
    }
    XCTAssertTrue(HalfConversion.float(fromHalfBits: 0x7E00).isNaN)
    XCTAssertTrue(HalfConversion.float(fromHalfBits: HalfConversion.halfBits(from: .nan)).isNaN)
  }
}
