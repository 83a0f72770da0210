import TTIR
import TTInterpreter
import TinyTorch
import XCTest

/// `scaled_dot_product_attention` means the same in eager mode, the interpreter and compiled C:
/// causal masking aligns the queries with the last keys, and a query whose keys are all blocked
/// gets a zero output row (never NaN).
final class AttentionSemanticsTests: XCTestCase {
  /// Keep-mask `[sq, sk]` (1 = attend) whose row 1 blocks every key, and row 0 one key.
  static func keepMask(sq: Int, sk: Int) -> [Float] {
    (0..<sq * sk).map { index in
      let (i, j) = (index / sk, index % sk)
      return i == 1 || (i == 0 && j == 0) ? 0 : 1
    }
  }

  /// Eager, interpreted and compiled attention on `[2, sq, 4]` queries and `[2, sk, 4]` keys,
  /// with and without `causal`, with no mask, an integer keep-mask and an additive float mask.
  func check(sq: Int, sk: Int) throws {
    let q = Tensor.randn([2, sq, 4], seed: 1)
    let k = Tensor.randn([2, sk, 4], seed: 2)
    let v = Tensor.randn([2, sk, 3], seed: 3)
    let keep = Self.keepMask(sq: sq, sk: sk)
    let cache = try makeTemporaryDirectory("attention")
    defer { removeDirectory(cache) }
    for causal in [false, true] {
      for mask in [nil, "keep", "additive"] as [String?] {
        let label = "sq \(sq), sk \(sk), causal \(causal), mask \(mask ?? "none")"
        let eager = try scaledDotProductAttention(
          query: q, key: k, value: v, mask: mask == nil ? nil : Tensor(shape: [sq, sk], scalars: keep),
          isCausal: causal
        ).scalars
        XCTAssertFalse(eager.contains { $0.isNaN }, label)

        var builder = GraphBuilder(name: "attention")
        builder.input("q", .f32, q.shape)
        builder.input("k", .f32, k.shape)
        builder.input("v", .f32, v.shape)
        var inputs = ["q", "k", "v"]
        if mask == "keep" {
          inputs.append(builder.weight("mask", TensorData(int32s: keep.map { Int32($0) }, shape: [sq, sk])))
        } else if mask == "additive" {
          inputs.append(
            builder.weight("mask", TensorData(keep.map { $0 == 1 ? 0 : -.infinity }, shape: [sq, sk])))
        }
        builder.output(
          builder.add(.scaledDotProductAttention, inputs, attributes: ["causal": .bool(causal)], name: "sdpa")
        )
        let graph = try builder.build()
        let interpreted = try Interpreter(graph: graph).run([
          "q": InterpreterTensor(q.scalars, shape: q.shape),
          "k": InterpreterTensor(k.scalars, shape: k.shape),
          "v": InterpreterTensor(v.scalars, shape: v.shape),
        ])["sdpa"]!.floats()
        assertClose(interpreted, eager, "interpreter vs eager, \(label)", tolerance: 1e-5)
        let compiled = try compileAndLoad(graph, cache: cache).run([q.scalars, k.scalars, v.scalars])[0]
        assertClose(compiled, interpreted, "compiled vs interpreter, \(label)", tolerance: Tolerance.compiled)
        if mask != nil {
          // Row 1 of each batch is fully masked: exactly zero everywhere.
          for b in 0..<2 {
            XCTAssertEqual(Array(compiled[(b * sq + 1) * 3..<(b * sq + 2) * 3]), [0, 0, 0], label)
          }
        }
      }
    }
  }

  func testFewerQueriesThanKeysAlignWithTheLastKeys() throws { try check(sq: 3, sk: 5) }

  func testEqualQueriesAndKeys() throws { try check(sq: 4, sk: 4) }
}
