@testable import TTIR

/// Graphs that together use every attribute kind and most ops, for codec and schema tests.
enum TestModels {
  /// A small CNN: conv → batch norm → relu → pool → flatten → linear, plus q/dq and clamp.
  static func cnn() throws -> Graph {
    var b = GraphBuilder(name: "cnn")
    let x = b.input("image", .f32, [2, 3, 8, 8])
    let w = b.weight(
      "conv.weight", TensorData(randomFloats(4 * 3 * 9, seed: 5), shape: [4, 3, 3, 3]))
    let bias = b.weight("conv.bias", TensorData(randomFloats(4, seed: 6), shape: [4]))
    var h = b.add(
      .conv2d, [x, w, bias], attributes: ["stride": [1, 1], "padding": [1, 1]], name: "conv")
    let stats = (0..<4).map {
      b.weight(
        "bn.\($0)",
        TensorData(randomFloats(4, seed: 7 + UInt64($0)).map { abs($0) + 0.5 }, shape: [4]))
    }
    h = b.add(.batchNorm, [h] + stats, attributes: ["eps": 1e-3], name: "bn")
    h = b.add(.leakyRelu, [h], attributes: ["alpha": 0.1], name: "act")
    h = b.add(.maxPool2d, [h], attributes: ["kernel": [2, 2]], name: "pool")
    h = b.add(
      .avgPool2d, [h],
      attributes: [
        "kernel": [3, 3], "stride": [1, 1], "padding": [1, 1], "count_include_pad": false,
      ], name: "avg")
    h = b.add(.flatten, [h], name: "flat")
    let q = b.add(.quantizeLinear, [h], attributes: ["scale": 0.05, "zero_point": -3], name: "q")
    h = b.add(.dequantizeLinear, [q], attributes: ["scale": 0.05, "zero_point": -3], name: "dq")
    let fc = b.weight(
      "fc.weight", TensorData(halves: randomFloats(64 * 10, seed: 11), shape: [64, 10]))
    let h16 = b.add(.cast, [h], attributes: ["to": "f16"], name: "to_half")
    h = b.add(.linear, [h16, fc], name: "fc")
    h = b.add(.cast, [h], attributes: ["to": "f32"], name: "to_float")
    h = b.add(.clamp, [h], attributes: ["min": -6.0, "max": 6], name: "clip")
    b.output(b.add(.gelu, [h], attributes: ["approximate": "tanh"], name: "gelu", output: "logits"))
    return try b.build()
  }

  /// A one-block transformer-ish graph: embedding gather, layer norm, causal attention, argmax.
  static func attention() throws -> Graph {
    var b = GraphBuilder(name: "tiny-gpt")
    let tokens = b.input("tokens", .i64, [1, 6])
    let table = b.weight("embed", TensorData(randomFloats(20 * 8, seed: 12), shape: [20, 8]))
    var h = b.add(.gather, [table, tokens], attributes: ["axis": 0], name: "embed_lookup")
    let gamma = b.weight("ln.gamma", TensorData([Float](repeating: 1, count: 8), shape: [8]))
    let beta = b.weight("ln.beta", TensorData([Float](repeating: 0, count: 8), shape: [8]))
    h = b.add(.layerNorm, [h, gamma, beta], attributes: ["eps": 1e-5], name: "ln")
    let heads = b.add(.reshape, [h], attributes: ["shape": [0, 0, 2, -1]], name: "split")
    let qkv = b.add(.transpose, [heads], attributes: ["perm": [0, 2, 1, 3]], name: "heads")
    let attn = b.add(
      .scaledDotProductAttention, [qkv, qkv, qkv], attributes: ["causal": true, "scale": 0.5],
      name: "attn")
    let merged = b.add(.transpose, [attn], attributes: ["perm": [0, 2, 1, 3]], name: "merge")
    h = b.add(.reshape, [merged], attributes: ["shape": [1, 6, 8]], name: "join")
    let last = b.add(
      .slice, [h], attributes: ["starts": [0, -1, 0], "ends": [1, 6, 8], "steps": [1, 1, 1]],
      name: "last")
    let both = b.add(.concat, [last, last], attributes: ["axis": 1], name: "both")
    let mean = b.add(
      .reduceMean, [both], attributes: ["axes": [1], "keepdims": false], name: "mean")
    let probs = b.add(.logSoftmax, [mean], attributes: ["axis": -1], name: "logp")
    b.output(b.add(.argmax, [probs], attributes: ["axis": -1], name: "pick", output: "next"))
    b.output(probs)
    return try b.build()
  }

  /// A graph without weights.
  static func weightless() throws -> Graph {
    var b = GraphBuilder(name: "weightless")
    let x = b.input("x", .f32, [3])
    let y = b.input("y", .f32, [3])
    let bigger = b.add(.greater, [x, y])
    b.output(b.add(.mul, [bigger, b.add(.sub, [x, y])]))
    return try b.build()
  }

  static func all() throws -> [Graph] {
    [try makeMLP(batch: 4), try cnn(), try attention(), try weightless()]
  }
}
