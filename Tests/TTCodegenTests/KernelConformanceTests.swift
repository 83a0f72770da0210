import TTCodegen
import TTIR
import TTInterpreter
import TinyTorch
import XCTest

/// One kernel library serves every engine: the same cases run through eager mode (TinyTorch), the
/// interpreter and a compiled library, and must agree (interpreter vs eager 1e-5 relative, compiled
/// vs interpreter 1e-4). Odd sizes (1, 3, 17, 63, 65, 257) hit every tile and block remainder of the
/// GEMM; batched products read their operands at offsets (strides) into larger buffers and
/// broadcast; a fully masked attention row must be zeros everywhere, never NaN.
final class KernelConformanceTests: XCTestCase {
  var cache = ""
  override func setUpWithError() throws { cache = try makeTemporaryDirectory("ttc-test-cache").path }
  override func tearDown() { removeDirectory(URL(fileURLWithPath: cache)) }

  /// A named input with its values and an eager tensor of the same values.
  struct Operand {
    var name: String
    var shape: [Int]
    var values: [Float]
    var tensor: Tensor { try! Tensor(shape: shape, scalars: values) }
  }

  func testGemmConvolutionAndAttentionAgreeAcrossEngines() throws {
    var builder = GraphBuilder(name: "conformance")
    var operands: [Operand] = []
    var eager: [[Float]] = []
    var seed: UInt64 = 100
    func input(_ shape: [Int]) -> (String, Tensor) {
      seed += 1
      let operand = Operand(
        name: "in\(operands.count)", shape: shape, values: randomFloats(shape.reduce(1, *), seed: seed))
      operands.append(operand)
      return (builder.input(operand.name, .f32, shape), operand.tensor)
    }
    func weight(_ shape: [Int]) -> (String, Tensor) {
      seed += 1
      let values = randomFloats(shape.reduce(1, *), seed: seed)
      let name = builder.weight("w\(seed)", TensorData(values, shape: shape))
      return (name, try! Tensor(shape: shape, scalars: values))
    }

    // Plain products over odd sizes: (m, k, n).
    let products = [
      (1, 3, 17), (3, 17, 63), (17, 63, 65), (63, 65, 1), (65, 1, 3), (257, 3, 17), (1, 257, 65),
      (17, 65, 257),
    ]
    for (m, k, n) in products {
      let (a, ea) = input([m, k])
      let (b, eb) = input([k, n])
      builder.output(builder.add(.matmul, [a, b]))
      eager.append(try ea.matmul(eb).scalars)
    }
    // A fully connected layer with bias (the fused epilogue), batch 1 and 65.
    for rows in [1, 65] {
      let (x, ex) = input([rows, 63])
      let (w, ew) = weight([63, 17])
      let (bias, ebias) = weight([17])
      builder.output(builder.add(.linear, [x, w, bias]))
      eager.append(try ex.linear(weight: ew, bias: ebias).scalars)
    }
    // Batched and broadcast products: each matrix starts at an offset into a larger buffer.
    let (ba, eba) = input([3, 1, 17, 65])
    let (bb, ebb) = input([2, 65, 3])
    builder.output(builder.add(.matmul, [ba, bb]))
    eager.append(try eba.matmul(ebb).scalars)
    // Convolution (im2col + GEMM with a per-channel bias) with stride, padding and groups.
    let (image, eimage) = input([2, 4, 17, 9])
    let (kernel, ekernel) = weight([6, 2, 3, 3])
    let (kernelBias, ekernelBias) = weight([6])
    builder.output(
      builder.add(
        .conv2d, [image, kernel, kernelBias],
        attributes: ["stride": .ints([2, 1]), "padding": .ints([1, 1]), "groups": .int(2)]))
    eager.append(
      try eimage.conv2d(weight: ekernel, bias: ekernelBias, stride: Size2D(2, 1), padding: 1, groups: 2)
        .scalars)
    // Attention whose second query row has every key masked out.
    let (q, eq) = input([2, 3, 4])
    let (k, ek) = input([2, 5, 4])
    let (v, ev) = input([2, 5, 3])
    var maskValues = [Float](repeating: 1, count: 3 * 5)
    for j in 0..<5 { maskValues[5 + j] = 0 }
    // The IR's f32 mask is additive: −∞ blocks (eager takes the equivalent keep-mask).
    let maskName = builder.weight(
      "mask", TensorData(maskValues.map { $0 == 1 ? 0 : -.infinity }, shape: [3, 5]))
    builder.output(builder.add(.scaledDotProductAttention, [q, k, v, maskName]))
    let attended = try scaledDotProductAttention(
      query: eq, key: ek, value: ev, mask: try Tensor(shape: [3, 5], scalars: maskValues)
    ).scalars
    XCTAssertEqual(Array(attended[3..<6]), [0, 0, 0], "eager: the masked row is zeros")
    eager.append(attended)

    let graph = try builder.build()
    let inputs = Dictionary(
      uniqueKeysWithValues: operands.map { ($0.name, InterpreterTensor($0.values, shape: $0.shape)) })
    let interpreted = try Interpreter(graph: graph).run(inputs)
    for (index, info) in graph.outputs.enumerated() {
      let values = interpreted[info.name]!.floats()
      XCTAssertEqual(values.count, eager[index].count, "output \(index)")
      for (i, (x, y)) in zip(values, eager[index]).enumerated() where !(abs(x - y) <= 1e-5 * max(1, abs(y))) {
        XCTFail("output \(index) ('\(info.name)') element \(i): interpreter \(x), eager \(y)")
        break
      }
    }
    try assertCompiledMatchesInterpreter(graph, inputs, cache: cache)
  }
}
