import TTCodegen
import TTIR
import TTInterpreter
import XCTest

/// `fused_elementwise` and epilogues over odd shapes (1, 3, 17, 63, 65, 257 per dimension) and
/// broadcasting patterns: the interpreter gives the unfused graph's values (exactly for
/// `fused_elementwise`, same kernels; within ``Tolerance/interpreter`` for epilogues, whose
/// activations the GEMM and convolution kernels apply with the kernel library's polynomial
/// math), and compiled C matches the interpreter.
final class FusedOpTests: XCTestCase {
  var cache = ""
  override func setUpWithError() throws { cache = try makeTemporaryDirectory("ttc-test-cache").path }
  override func tearDown() { removeDirectory(URL(fileURLWithPath: cache)) }

  /// Each case's unfused and fused outputs, named `unfused<i>` / `fused<i>`.
  func assertFusedMatchesUnfused(
    _ graph: Graph, _ inputs: [String: InterpreterTensor], cases: Int, tolerance: Float = 0,
    file: StaticString = #filePath, line: UInt = #line
  ) throws {
    let outputs = try Interpreter(graph: graph).run(inputs)
    for i in 0..<cases {
      assertClose(
        outputs["fused\(i)"]!.floats(), outputs["unfused\(i)"]!.floats(), "case \(i)", tolerance: tolerance,
        file: file, line: line)
    }
    try assertCompiledMatchesInterpreter(graph, inputs, cache: cache, file: file, line: line)
  }

  func testElementwiseProgramsOverOddShapesAndBroadcasting() throws {
    // (a, b, c) shapes; b and c broadcast against a in every way the loop merger distinguishes.
    let shapes: [([Int], [Int], [Int])] = [
      ([1], [1], [1]), ([17, 63], [17, 63], [63]), ([65, 1, 3], [17, 1], [1, 3]),
      ([3, 17, 65], [17, 1], [3, 1, 65]), ([257, 3], [], [257, 1]),
    ]
    let program =
      "mul x0 x1; add t0 0.5; tanh t1; sub t2 x2; gelu t3 approximate=tanh; maximum t4 x0; "
      + "clamp t5 min=-0.25; less t6 x1; add t7 t5; mod t8 x1 fmod=true; mod t9 x2; add t10 t7"
    var b = GraphBuilder(name: "fused")
    var inputs: [String: InterpreterTensor] = [:]
    let half = b.weight("half", TensorData([0.5], shape: []))
    for (i, (sa, sb, sc)) in shapes.enumerated() {
      let (a, x, c) = (b.input("a\(i)", .f32, sa), b.input("b\(i)", .f32, sb), b.input("c\(i)", .f32, sc))
      inputs[a] = randomTensor(sa, seed: UInt64(3 * i), low: -2, high: 2)
      inputs[x] = randomTensor(sb, seed: UInt64(3 * i + 1), low: -2, high: 2)
      inputs[c] = randomTensor(sc, seed: UInt64(3 * i + 2), low: -2, high: 2)
      let t0 = b.add(.mul, [a, x], name: "mul\(i)")
      let t1 = b.add(.add, [t0, half], name: "add\(i)")
      let t2 = b.add(.tanh, [t1], name: "tanh\(i)")
      let t3 = b.add(.sub, [t2, c], name: "sub\(i)")
      let t4 = b.add(.gelu, [t3], attributes: ["approximate": "tanh"], name: "gelu\(i)")
      let t5 = b.add(.maximum, [t4, a], name: "max\(i)")
      let t6 = b.add(.clamp, [t5], attributes: ["min": -0.25], name: "clamp\(i)")
      let t7 = b.add(.less, [t6, x], name: "less\(i)")
      let t8 = b.add(.add, [t7, t5], name: "sum\(i)")
      let t9 = b.add(.mod, [t8, x], attributes: ["fmod": .bool(true)], name: "fmod\(i)")
      let t10 = b.add(.mod, [t9, c], name: "mod\(i)")
      b.output(b.add(.add, [t10, t7], name: "unfused\(i)"))
      b.output(
        b.add(.fusedElementwise, [a, x, c], attributes: ["program": .string(program)], name: "fused\(i)"))
    }
    try assertFusedMatchesUnfused(try b.build(), inputs, cases: shapes.count)
  }

  func testEpiloguesOverOddShapes() throws {
    // (m, k, n) for linear and matmul; the residual is full-sized or broadcast along rows.
    let sizes: [(Int, Int, Int)] = [(1, 1, 1), (3, 17, 65), (63, 3, 257), (65, 63, 17), (17, 257, 3)]
    var b = GraphBuilder(name: "epilogues")
    var inputs: [String: InterpreterTensor] = [:]
    var cases = 0
    for (m, k, n) in sizes {
      let x = b.input("x\(cases)", .f32, [m, k])
      inputs[x] = randomTensor([m, k], seed: UInt64(cases))
      let w = b.weight(
        "w\(cases)", TensorData(randomFloats(k * n, seed: UInt64(100 + cases)), shape: [k, n]))
      let bias = b.weight("bias\(cases)", TensorData(randomFloats(n, seed: UInt64(200 + cases)), shape: [n]))
      for (residualShape, withBias) in [([m, n], true), ([n], false), ([m, 1], true)] {
        let r = b.input("r\(cases)", .f32, residualShape)
        inputs[r] = randomTensor(residualShape, seed: UInt64(300 + cases))
        let own = withBias ? [x, w, bias] : [x, w]
        let product = b.add(.linear, own, name: "linear\(cases)")
        let activated = b.add(.gelu, [product], name: "gelu\(cases)")
        b.output(b.add(.add, [activated, r], name: "unfused\(cases)"))
        b.output(
          b.add(
            .linear, own + [r], attributes: ["epilogue": "gelu x0; add t0 x1", "epilogue_inputs": 1],
            name: "fused\(cases)"))
        cases += 1
        guard residualShape == [m, n] else { continue }
        // Residual then activation: the form tt_sgemm applies in registers.
        let summed = b.add(.add, [b.add(.linear, own, name: "linear\(cases)"), r], name: "sum\(cases)")
        b.output(b.add(.tanh, [summed], name: "unfused\(cases)"))
        b.output(
          b.add(
            .linear, own + [r], attributes: ["epilogue": "add x1 x0; tanh t0", "epilogue_inputs": 1],
            name: "fused\(cases)"))
        cases += 1
      }
      // A batched matmul with a sigmoid epilogue.
      let a = b.input("a\(cases)", .f32, [2, m, k])
      inputs[a] = randomTensor([2, m, k], seed: UInt64(400 + cases))
      b.output(b.add(.sigmoid, [b.add(.matmul, [a, w], name: "matmul\(cases)")], name: "unfused\(cases)"))
      b.output(b.add(.matmul, [a, w], attributes: ["epilogue": "sigmoid x0"], name: "fused\(cases)"))
      cases += 1
    }
    // conv2d + bias + relu + residual.
    let image = b.input("image", .f32, [2, 3, 17, 17])
    inputs[image] = randomTensor([2, 3, 17, 17], seed: 500)
    let kernel = b.weight("kernel", TensorData(randomFloats(5 * 3 * 3 * 3, seed: 501), shape: [5, 3, 3, 3]))
    let convBias = b.weight("conv_bias", TensorData(randomFloats(5, seed: 502), shape: [5]))
    let skip = b.input("skip", .f32, [2, 5, 15, 15])
    inputs[skip] = randomTensor([2, 5, 15, 15], seed: 503)
    let conv = b.add(.conv2d, [image, kernel, convBias], name: "conv")
    b.output(b.add(.add, [b.add(.relu, [conv], name: "relu"), skip], name: "unfused\(cases)"))
    b.output(
      b.add(
        .conv2d, [image, kernel, convBias, skip],
        attributes: ["epilogue": "relu x0; add t0 x1", "epilogue_inputs": 1], name: "fused\(cases)"))
    cases += 1
    try assertFusedMatchesUnfused(try b.build(), inputs, cases: cases, tolerance: Tolerance.interpreter)
  }

  func testPackedHeadsAttentionOverOddShapesWithMasksAndCausal() throws {
    // (batch, Sq, Sk, heads, D, Dv, mask shape, causal): the packed node against the same
    // attention on heads split and merged by transposes.
    let cases: [([Int], Int, Int, Int, Int, Int, [Int]?, Bool)] = [
      ([2], 3, 5, 3, 17, 4, nil, true), ([1], 1, 1, 1, 1, 1, nil, false),
      ([], 17, 17, 2, 3, 5, [2, 17, 17], true),
      ([2], 4, 63, 5, 2, 3, [1, 4, 63], false),
      // Causal heads run in blocks of 32 queries: several blocks, more queries than keys (the
      // first see no key), a mask.
      ([1], 70, 40, 2, 12, 10, nil, true), ([], 65, 65, 1, 16, 8, [65, 65], true),
      ([1], 40, 60, 2, 9, 7, [1, 40, 60], false),
      // Heads of at most 64 columns with 8 queries or more skip tt_sgemm (16 keys and 16 output
      // columns per vector, then the last dv % 16 columns); wider heads use it.
      ([1], 257, 257, 1, 63, 17, nil, true), ([], 8, 3, 2, 64, 33, [8, 3], false),
      ([2], 9, 65, 1, 65, 64, [2, 1, 9, 65], true),
    ]
    var b = GraphBuilder(name: "heads")
    var inputs: [String: InterpreterTensor] = [:]
    for (i, (batch, sq, sk, heads, d, dv, maskShape, causal)) in cases.enumerated() {
      var operands: [String] = []
      var split: [String] = []
      for (name, positions, size) in [("q", sq, d), ("k", sk, d), ("v", sk, dv)] {
        let shape = batch + [positions, heads * size]
        let value = b.input("\(name)\(i)", .f32, shape)
        inputs[value] = randomTensor(shape, seed: UInt64(10 * i + operands.count))
        operands.append(value)
        let rank = batch.count + 3
        var perm = Array(0..<rank)
        perm.swapAt(rank - 3, rank - 2)
        split.append(
          b.add(
            .transpose,
            [b.add(.reshape, [value], attributes: ["shape": .ints(batch + [positions, heads, size])])],
            attributes: ["perm": .ints(perm)]))
      }
      if let maskShape {
        let mask = b.input("mask\(i)", .f32, maskShape)
        var values = randomTensor(maskShape, seed: UInt64(10 * i + 7)).floats()
        for j in stride(from: 0, to: values.count, by: 3) { values[j] = -.infinity }
        inputs[mask] = InterpreterTensor(values, shape: maskShape)
        operands.append(mask)
        split.append(mask)
      }
      let rank = batch.count + 3
      var perm = Array(0..<rank)
      perm.swapAt(rank - 3, rank - 2)
      let attended = b.add(.scaledDotProductAttention, split, attributes: ["causal": .bool(causal)])
      b.output(
        b.add(
          .reshape, [b.add(.transpose, [attended], attributes: ["perm": .ints(perm)])],
          attributes: ["shape": .ints(batch + [sq, heads * dv])], name: "unfused\(i)"))
      b.output(
        b.add(
          .scaledDotProductAttention, operands, attributes: ["causal": .bool(causal), "heads": .int(heads)],
          name: "fused\(i)"))
    }
    // The packed node reads each head in place (row stride H·D), so its products may round
    // differently from those of the split copies.
    try assertFusedMatchesUnfused(try b.build(), inputs, cases: cases.count, tolerance: Tolerance.interpreter)
  }
}
