import Foundation
import TTCodegen
import TTIR
import TTInterpreter
import TTLoader
import TinyTorch
import XCTest

/// The ops that select by comparison (`maximum`, `minimum`, `clamp`, `relu`, `leaky_relu`,
/// `max_pool2d`, the `relu` fused into products) and `mod` at its wrap point, on NaN, ±0 and ±inf
/// operands: every engine gives the bits docs/IR.md defines ("NaN and overflow", "mod"): eager
/// mode, the interpreter, and compiled libraries built for the portable x86-64 baseline, AVX2 and
/// this machine's best (AVX-512 where it has it), since vector code must not drop a NaN the way a
/// max instruction does (issue 13).
final class NaNSemanticsTests: XCTestCase {
  var cache = ""
  override func setUpWithError() throws { cache = try makeTemporaryDirectory("ttc-test-cache").path }
  override func tearDown() { removeDirectory(URL(fileURLWithPath: cache)) }

  private let a: [Float] = [.nan, 1, .nan, -0.0, 0, -.infinity, .infinity, 3, -2, .nan, 0.5, 2]
  private let b: [Float] = [1, .nan, .nan, 0, -0.0, .nan, 1, 3, 5, -.infinity, 0.25, .nan]

  /// The CPUs compiled for: the x86-64 baseline with SSE4.2, AVX2 when this machine has it, and
  /// `native` (AVX-512 on a machine with it).
  private var targets: [String] {
    let flags = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    return ["x86-64-v2"] + (flags.contains(" avx512f") && flags.contains(" avx2") ? ["x86-64-v3"] : []) + [
      "native"
    ]
  }

  /// `graph`'s outputs from the interpreter and from a library compiled for each of ``targets``.
  private func everyEngine(_ graph: Graph, _ inputs: [String: InterpreterTensor]) throws -> [(
    String, [[Float]]
  )] {
    let interpreted = try Interpreter(graph: graph).run(inputs)
    var results = [("interpreter", graph.outputs.map { interpreted[$0.name]!.floats() })]
    for target in targets {
      var options = CompileOptions(cacheDirectory: cache)
      options.compiler = CCompiler(executable: try CCompiler.locateExecutable(), targetCPU: target)
      let artifact = try ModelCompiler.compile(graph, options: options)
      let model = try CompiledModel(path: artifact.libraryPath, expecting: artifact.graphHash)
      let outputs = try model.run(graph.inputs.map { inputs[$0.name]!.tensorData })
      results.append(("compiled for \(target)", outputs.map { $0.floats() }))
    }
    return results
  }

  /// Equal bits, except that any NaN equals any NaN.
  private func assertSameBits(
    _ actual: [Float], _ expected: [Float], _ message: String, line: UInt = #line
  ) {
    XCTAssertEqual(actual.count, expected.count, message, line: line)
    for (index, (x, y)) in zip(actual, expected).enumerated()
    where !(x.isNaN && y.isNaN) && x.bitPattern != y.bitPattern {
      return XCTFail("\(message) element \(index): \(x), expected \(y)", line: line)
    }
  }

  func testElementwiseSelectionFollowsTheDocumentedNaNRules() throws {
    var builder = GraphBuilder(name: "selection")
    let (x, y) = (builder.input("a", .f32, [12]), builder.input("b", .f32, [12]))
    let cases: [(Op, [String], [String: AttributeValue], (Float, Float) -> Float)] = [
      (.maximum, [x, y], [:], { a, b in a.isNaN || b.isNaN ? .nan : a > b ? a : b }),
      (.maximum, [y, x], [:], { a, b in a.isNaN || b.isNaN ? .nan : b > a ? b : a }),
      (.minimum, [x, y], [:], { a, b in a.isNaN || b.isNaN ? .nan : a < b ? a : b }),
      (.minimum, [y, x], [:], { a, b in a.isNaN || b.isNaN ? .nan : b < a ? b : a }),
      (
        .clamp, [x], ["min": -0.5, "max": 0.75],
        { a, _ in a.isNaN ? .nan : Swift.min(Swift.max(a, -0.5), 0.75) }
      ),
      (.clamp, [x], ["min": -1], { a, _ in a.isNaN ? .nan : Swift.max(a, -1) }),
      (.relu, [x], [:], { a, _ in a > 0 ? a : 0 }),  // NaN → 0, −0 → +0
      (.leakyRelu, [x], ["alpha": 0.1], { a, _ in a > 0 ? a : 0.1 * a }),
    ]
    var expected: [[Float]] = []
    for (op, inputs, attributes, rule) in cases {
      builder.output(builder.add(op, inputs, attributes: attributes))
      expected.append(zip(a, b).map(rule))
    }
    // The same ops inside one fused program: max(a, b), then min(t0, a).
    builder.output(
      builder.add(.fusedElementwise, [x, y], attributes: ["program": "maximum x0 x1; minimum t0 x0"]))
    expected.append(zip(expected[0], a).map { m, a in m.isNaN || a.isNaN ? .nan : m < a ? m : a })
    let graph = try builder.build()
    let inputs = ["a": InterpreterTensor(a, shape: [12]), "b": InterpreterTensor(b, shape: [12])]
    for (engine, outputs) in try everyEngine(graph, inputs) {
      for (index, output) in outputs.enumerated() {
        assertSameBits(output, expected[index], "\(engine), output \(graph.outputs[index].name):")
      }
    }
    let (ta, tb) = (Tensor(a), Tensor(b))
    let eager = [
      try ta.maximum(tb), try tb.maximum(ta), try ta.minimum(tb), try tb.minimum(ta),
      ta.clamp(min: -0.5, max: 0.75), ta.clamp(min: -1), ta.relu(), ta.leakyRelu(slope: 0.1),
    ]
    for (index, tensor) in eager.enumerated() {
      assertSameBits(tensor.scalars, expected[index], "eager, \(cases[index].0):")
    }
  }

  /// Windows holding a NaN give NaN in the 2×2 fast path (8-wide and 4-wide vectors and the
  /// scalar tail), in the general loop (strides 1, 2 and 3, with padding), and in eager mode, which
  /// records positions for the backward pass.
  func testMaxPoolGivesNaNForAWindowHoldingOne() throws {
    let shapes = [[1, 2, 4, 20], [1, 1, 2, 10], [1, 1, 2, 6]]
    let windows: [(input: Int, kernel: Int, stride: Int, padding: Int)] = [
      (0, 2, 2, 0), (1, 2, 2, 0), (2, 2, 2, 0), (0, 3, 1, 1), (0, 3, 2, 1), (0, 2, 3, 0),
    ]
    var builder = GraphBuilder(name: "pooling")
    var inputs: [String: InterpreterTensor] = [:]
    var planes: [[Float]] = []
    for (index, shape) in shapes.enumerated() {
      let count = shape.reduce(1, *)
      var values = randomFloats(count, seed: UInt64(index + 1))
      for position in stride(from: index, to: count, by: 7) { values[position] = .nan }
      values[count - 1] = .nan  // the last column: the overlapping final vector
      planes.append(values)
      inputs["x\(index)"] = InterpreterTensor(values, shape: shape)
      _ = builder.input("x\(index)", .f32, shape)
    }
    var expected: [[Float]] = []
    for window in windows {
      builder.output(
        builder.add(
          .maxPool2d, ["x\(window.input)"],
          attributes: [
            "kernel": .ints([window.kernel, window.kernel]), "stride": .ints([window.stride, window.stride]),
            "padding": .ints([window.padding, window.padding]),
          ]))
      expected.append(
        Self.referenceMaxPool(
          planes[window.input], shape: shapes[window.input], kernel: window.kernel, stride: window.stride,
          padding: window.padding))
    }
    let graph = try builder.build()
    for (engine, outputs) in try everyEngine(graph, inputs) {
      for (index, output) in outputs.enumerated() {
        assertSameBits(output, expected[index], "\(engine), window \(windows[index]):")
      }
    }
    for (index, window) in windows.enumerated() {
      let x = try Tensor(shape: shapes[window.input], scalars: planes[window.input], requiresGrad: true)
      let pooled = try x.maxPool2d(
        kernel: Size2D(window.kernel), stride: Size2D(window.stride), padding: Size2D(window.padding))
      assertSameBits(pooled.scalars, expected[index], "eager, window \(window):")
    }
  }

  /// Max pooling as docs/IR.md defines it: NaN when the window (inside the input) holds a NaN,
  /// else its largest element.
  static func referenceMaxPool(_ x: [Float], shape: [Int], kernel: Int, stride: Int, padding: Int) -> [Float]
  {
    let (planes, h, w) = (shape[0] * shape[1], shape[2], shape[3])
    let (oh, ow) = ((h + 2 * padding - kernel) / stride + 1, (w + 2 * padding - kernel) / stride + 1)
    var out: [Float] = []
    for plane in 0..<planes {
      for oy in 0..<oh {
        for ox in 0..<ow {
          var window: [Float] = []
          for ky in 0..<kernel {
            for kx in 0..<kernel {
              let (iy, ix) = (oy * stride - padding + ky, ox * stride - padding + kx)
              if (0..<h).contains(iy), (0..<w).contains(ix) { window.append(x[(plane * h + iy) * w + ix]) }
            }
          }
          out.append(window.contains { $0.isNaN } ? .nan : window.max()!)
        }
      }
    }
    return out
  }

  /// A NaN product followed by the `relu` fused into `linear` (f32 and f16 weights) and `conv2d`,
  /// and a NaN bias in `quantized_linear` with `relu`: 0 in every engine (docs/IR.md: `relu` is
  /// `x > 0 ? x : 0`), as the standalone `relu` gives.
  func testFusedReluTurnsNaNIntoZeroInEveryKernel() throws {
    var builder = GraphBuilder(name: "fused")
    let x = builder.input("x", .f32, [2, 3])
    let weights = randomFloats(12, seed: 3)
    let relu: [String: AttributeValue] = ["epilogue": "relu x0"]
    builder.output(
      builder.add(.linear, [x, builder.weight("w", TensorData(weights, shape: [3, 4]))], attributes: relu))
    builder.output(
      builder.add(
        .linear, [x, builder.weight("h", TensorData(halves: weights, shape: [3, 4]))], attributes: relu))
    let image = builder.input("image", .f32, [1, 1, 3, 4])
    builder.output(
      builder.add(
        .conv2d, [image, builder.weight("k", TensorData(weights, shape: [3, 1, 2, 2]))], attributes: relu))
    builder.output(
      builder.add(
        .quantizedLinear,
        [
          builder.input("xq", .f32, [2, 3]),
          builder.weight("q", TensorData(int8s: [1, -2, 3, 4, 5, -6, 7, 8, -9, 10, 11, 12], shape: [4, 3])),
          builder.weight("s", TensorData([0.1, 0.2, 0.3, 0.4], shape: [4])),
          builder.weight("qb", TensorData([.nan, 1, .nan, -1], shape: [4])),
        ], attributes: ["relu": true]))
    let graph = try builder.build()
    var pixels = randomFloats(12, seed: 4)
    pixels[5] = .nan
    let inputs = [
      "x": InterpreterTensor([.nan, 1, 2] + randomFloats(3, seed: 5), shape: [2, 3]),
      "image": InterpreterTensor(pixels, shape: [1, 1, 3, 4]),
      "xq": InterpreterTensor(randomFloats(6, seed: 6), shape: [2, 3]),
    ]
    let zeros: [[Int]] = [[0, 1, 2, 3], [0, 1, 2, 3], [0, 1, 3, 4], [0, 2, 4, 6]]
    let engines = try everyEngine(graph, inputs)
    for (engine, outputs) in engines {
      for (index, output) in outputs.enumerated() {
        XCTAssertFalse(output.contains { $0.isNaN }, "\(engine), output \(index): \(output)")
        for position in zeros[index] {
          XCTAssertEqual(
            output[position].bitPattern, Float(0).bitPattern, "\(engine), output \(index): \(output)")
        }
        assertClose(output, engines[0].1[index], "\(engine), output \(index)", tolerance: Tolerance.compiled)
      }
    }
  }

  /// `mod` at its wrap point and on zeros and infinities gives the same bits in every engine, the
  /// bits docs/IR.md derives from `fmodf` plus the sign fix.
  func testModAtItsWrapPointGivesTheDocumentedBits() throws {
    let dividends: [Float] = [-1e-10, -2, -1, 1, 7.5, .infinity, 0, -0.0, 5, 1e-10, -7.5]
    let divisors: [Float] = [1, 1, .infinity, -.infinity, -2, 3, -.infinity, 2, 0, -1, 2]
    let expected: [Float] = [1, -0.0, .infinity, -.infinity, -0.5, .nan, 0, -0.0, .nan, -1, 0.5]
    let fmodExpected: [Float] = [-1e-10, -0.0, -1, 1, 1.5, .nan, 0, -0.0, .nan, 1e-10, -1.5]
    var builder = GraphBuilder(name: "mod")
    let (x, y) = (builder.input("a", .f32, [11]), builder.input("b", .f32, [11]))
    builder.output(builder.add(.mod, [x, y]))
    builder.output(builder.add(.mod, [x, y], attributes: ["fmod": true]))
    let graph = try builder.build()
    let inputs = [
      "a": InterpreterTensor(dividends, shape: [11]), "b": InterpreterTensor(divisors, shape: [11]),
    ]
    for (engine, outputs) in try everyEngine(graph, inputs) {
      assertSameBits(outputs[0], expected, "\(engine), mod:")
      assertSameBits(outputs[1], fmodExpected, "\(engine), fmod:")
    }
  }
}
