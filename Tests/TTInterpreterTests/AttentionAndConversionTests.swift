import TTIR
import TTInterpreter
import TinyTorch
import XCTest

final class AttentionAndConversionTests: XCTestCase {
  func testAttentionMatchesEagerWithCausalMaskAndBroadcastHeads() throws {
    let q = randn([2, 3, 5, 4], seed: 1)
    let k = randn([2, 1, 5, 4], seed: 2)
    let v = randn([2, 1, 5, 6], seed: 3)
    try assertOp(.scaledDotProductAttention, [q, k, v]) {
      try scaledDotProductAttention(query: $0[0], key: $0[1], value: $0[2])
    }
    try assertOp(.scaledDotProductAttention, [q, k, v], attributes: ["causal": true, "scale": 0.3]) {
      try scaledDotProductAttention(query: $0[0], key: $0[1], value: $0[2], isCausal: true, scale: 0.3)
    }
  }

  func testAttentionWithAdditiveFloatMaskAndIntegerKeepMask() throws {
    let (q, k, v) = (randn([2, 3, 4], seed: 4), randn([2, 5, 4], seed: 5), randn([2, 5, 2], seed: 6))
    let keep: [Float] = [1, 1, 0, 1, 0]
    let additive = try Tensor(shape: [5], scalars: keep.map { $0 == 1 ? 0 : -.infinity })
    try assertOp(.scaledDotProductAttention, [q, k, v, additive]) {
      try scaledDotProductAttention(query: $0[0], key: $0[1], value: $0[2], mask: Tensor(keep))
    }

    var builder = GraphBuilder(name: "masked")
    for (name, t) in [("q", q), ("k", k), ("v", v)] { builder.input(name, .f32, t.shape) }
    builder.input("mask", .i32, [5])
    builder.output(builder.add(.scaledDotProductAttention, ["q", "k", "v", "mask"], name: "attention"))
    let inputs: [String: InterpreterTensor] = [
      "q": InterpreterTensor(q.scalars, shape: q.shape), "k": InterpreterTensor(k.scalars, shape: k.shape),
      "v": InterpreterTensor(v.scalars, shape: v.shape),
      "mask": try InterpreterTensor(shape: [5], storage: .i32(keep.map { Int32($0) })),
    ]
    let result = try Interpreter(graph: builder.build()).run(inputs)["attention"]!
    let expected = try scaledDotProductAttention(query: q, key: k, value: v, mask: Tensor(keep))
    assertClose(result.floats(), expected.scalars, "integer keep-mask")
  }

  func testCausalAttentionAlignsTheQueriesWithTheLastKeys() throws {
    // Two queries, three keys: query 0 sees keys 0 and 1, query 1 every key (as in eager mode).
    let q = randn([2, 4], seed: 7)
    let k = randn([3, 4], seed: 8)
    let v = try Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6])
    try assertOp(.scaledDotProductAttention, [q, k, v], attributes: ["causal": true]) {
      try scaledDotProductAttention(query: $0[0], key: $0[1], value: $0[2], isCausal: true)
    }
    // One query (a cached generation step) sees every key.
    let one = randn([1, 4], seed: 9)
    try assertOp(.scaledDotProductAttention, [one, k, v], attributes: ["causal": true]) {
      try scaledDotProductAttention(query: $0[0], key: $0[1], value: $0[2])
    }
  }

  /// Packed heads (`heads: H`, q/k/v `[..., S, H·D]`) mean: split the last axis into `[H, D]`,
  /// move the heads before the positions, attend, merge back. Checked against eager attention on
  /// the split operands, with a per-head mask, `causal`, Sq ≠ Sk and a broadcast batch axis.
  func testPackedHeadsMatchEagerAttentionOnSplitHeads() throws {
    let (heads, depth, valueDepth) = (3, 4, 2)
    let q = randn([2, 5, heads * depth], seed: 10)
    let k = randn([1, 6, heads * depth], seed: 11)
    let v = randn([1, 6, heads * valueDepth], seed: 12)
    let keep: [Float] = (0..<heads * 5 * 6).map { $0 % 7 == 3 ? 0 : 1 }
    let additive = try Tensor(shape: [heads, 5, 6], scalars: keep.map { $0 == 1 ? 0 : -.infinity })
    func split(_ t: Tensor) throws -> Tensor {
      try t.reshaped([t.shape[0], t.shape[1], heads, t.shape[2] / heads]).transposed(1, 2)
    }
    let graph = try singleNodeGraph(
      .scaledDotProductAttention, [q, k, v, additive], attributes: ["heads": .int(heads), "causal": true])
    let result = try interpret(graph, [q, k, v, additive])
    let expected = try scaledDotProductAttention(
      query: split(q), key: split(k), value: split(v), mask: Tensor(shape: [heads, 5, 6], scalars: keep),
      isCausal: true)
    XCTAssertEqual(result.shape, [2, 5, heads * valueDepth])
    assertClose(result.floats(), try expected.transposed(1, 2).reshaped([2, 5, heads * valueDepth]).scalars)
  }

  func testCastRoundTripsAndTruncates() throws {
    let x = try Tensor(shape: [5], scalars: [-2.7, -0.5, 0.5, 3.9, 1e10])
    let toInt = try interpret(singleNodeGraph(.cast, [x], attributes: ["to": "i32"]), [x])
    XCTAssertEqual(toInt.storage, .i32([-2, 0, 0, 3, Int32.max]))

    var builder = GraphBuilder(name: "casts")
    builder.input("x", .f32, [5])
    let i64 = builder.add(.cast, ["x"], attributes: ["to": "i64"], name: "to_i64")
    let half = builder.add(.cast, [i64], attributes: ["to": "f16"], name: "to_f16")
    builder.output(builder.add(.cast, [half], attributes: ["to": "f32"], name: "back"))
    let back = try interpret(builder.build(), [x])
    XCTAssertEqual(back.floats(), [-2, 0, 0, 3, .infinity], "1e10 → i64 → f16 overflows to +∞")
  }

  func testQuantizeAndDequantizeLinear() throws {
    let x = try Tensor(shape: [6], scalars: [-1, -0.25, 0.25, 0.75, 2, 100])
    var builder = GraphBuilder(name: "q")
    builder.input("x", .f32, [6])
    let attributes: [String: AttributeValue] = ["scale": 0.5, "zero_point": 3]
    let q = builder.add(.quantizeLinear, ["x"], attributes: attributes, name: "q")
    builder.output(q)
    builder.output(builder.add(.dequantizeLinear, [q], attributes: attributes, name: "dq"))
    let graph = try builder.build()
    let outputs = try Interpreter(graph: graph).run(["x": InterpreterTensor(x.scalars, shape: [6])])
    // x / 0.5 = −2, −0.5, 0.5, 1.5, 4, 200; ties round to even (−0, 0, 2); + 3; clamped to 127.
    XCTAssertEqual(outputs["q"]!.storage, .i8([1, 3, 3, 5, 7, 127]))
    XCTAssertEqual(outputs["dq"]!.floats(), [-1, 0, 0, 1, 2, 62])
  }
}
