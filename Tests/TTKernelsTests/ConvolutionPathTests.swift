import Foundation
import TTKernels
import TTRuntime
import XCTest

/// Every instruction-set path of the runtime's convolution (`tt_conv2d_isa`) against a Double
/// reference: the direct stride-1 algorithm (every tile height of every path, row tails, padding,
/// dilation, groups) and the im2col one (strides, wide padding), each with bias, residual and every
/// activation.
final class ConvolutionPathTests: XCTestCase {
  struct Case {
    var batch = 1, channels: Int, height: Int, width: Int, outChannels: Int
    var kernel: (Int, Int), stride = (1, 1), padding = (0, 0), dilation = (1, 1), groups = 1
    var bias = true, residual = false
    var activation = TT_ACT_NONE
  }

  func run(_ t: Case, path: tt_isa, file: StaticString = #filePath, line: UInt = #line) {
    let geometry = Conv2DGeometry(
      batch: t.batch, inChannels: t.channels, height: t.height, width: t.width, outChannels: t.outChannels,
      groups: t.groups,
      window: Window2D(kernel: t.kernel, stride: t.stride, padding: t.padding, dilation: t.dilation))
    XCTAssertNil(geometry.problem, file: file, line: line)
    var random = TestRandom(seed: UInt64(t.channels * 1000 + t.outChannels * 10 + t.height))
    let x = random.values(t.batch * t.channels * t.height * t.width)
    let weight = random.values(geometry.weightShape.reduce(1, *))
    let bias = random.values(t.outChannels)
    let residual = random.values(geometry.outputShape.reduce(1, *))
    let (oh, ow, cg, og) = (
      geometry.outputHeight, geometry.outputWidth, geometry.groupInChannels, geometry.groupOutChannels
    )
    var expected = [Float](repeating: 0, count: residual.count)
    for n in 0..<t.batch {
      for o in 0..<t.outChannels {
        let g = o / og
        for oy in 0..<oh {
          for ox in 0..<ow {
            var s = t.bias ? Double(bias[o]) : 0
            for c in 0..<cg {
              for ky in 0..<t.kernel.0 {
                for kx in 0..<t.kernel.1 {
                  let iy = oy * t.stride.0 - t.padding.0 + ky * t.dilation.0
                  let ix = ox * t.stride.1 - t.padding.1 + kx * t.dilation.1
                  guard iy >= 0, iy < t.height, ix >= 0, ix < t.width else { continue }
                  let input = x[((n * t.channels + g * cg + c) * t.height + iy) * t.width + ix]
                  s += Double(input) * Double(weight[((o * cg + c) * t.kernel.0 + ky) * t.kernel.1 + kx])
                }
              }
            }
            let at = ((n * t.outChannels + o) * oh + oy) * ow + ox
            if t.residual { s += Double(residual[at]) }
            expected[at] = Float(GemmPathTests.activate(s, t.activation))
          }
        }
      }
    }
    var shape = geometry.runtimeShape
    var scratch = [Float](repeating: .nan, count: Int(tt_conv2d_scratch(&shape)))
    var out = [Float](repeating: .nan, count: expected.count)
    bias.withUnsafeBufferPointer { biasPointer in
      residual.withUnsafeBufferPointer { residualPointer in
        tt_conv2d_isa(
          path, &shape, x, weight, t.bias ? biasPointer.baseAddress : nil,
          t.residual ? residualPointer.baseAddress : nil, Int32(t.activation.rawValue), &out, &scratch)
      }
    }
    let taps = cg * t.kernel.0 * t.kernel.1
    assertClose(
      out, expected, absolute: 2e-6 * Float(taps + 1), relative: 1e-5, "path \(path.rawValue) \(t)",
      file: file, line: line)
    // The weight packed once and run twice: the same bits each time, as close to the reference.
    let packed = runPacked(
      shape, x, weight, bias: t.bias ? bias : nil, residual: t.residual ? residual : nil,
      activation: t.activation, path: path, outputs: 2)
    XCTAssertEqual(packed[0], packed[1], "packed weights, path \(path.rawValue) \(t)", file: file, line: line)
    assertClose(
      packed[0], expected, absolute: 2e-6 * Float(taps + 1), relative: 1e-5,
      "packed weights, path \(path.rawValue) \(t)", file: file, line: line)
  }

  /// The convolution with its weight packed once for `path` (`tt_conv2d_pack_isa`), run `outputs`
  /// times from that one packing (`tt_conv2d_packed`).
  func runPacked(
    _ shape: tt_conv2d_shape, _ x: [Float], _ weight: [Float], bias: [Float]?, residual: [Float]?,
    activation: tt_activation, path: tt_isa, outputs: Int
  ) -> [[Float]] {
    var shape = shape
    var packed = [Float](repeating: .nan, count: Int(tt_conv2d_packed_floats_isa(path, &shape)))
    XCTAssertEqual(tt_conv2d_pack_isa(path, &shape, weight, &packed), 0)
    var scratch = [Float](repeating: .nan, count: Int(tt_conv2d_packed_scratch(&shape)))
    XCTAssertLessThanOrEqual(scratch.count, Int(tt_conv2d_scratch(&shape)))
    let count = Int(shape.n * shape.o * shape.oh * shape.ow)
    let (biasValues, residualValues) = (bias ?? [], residual ?? [])
    return (0..<outputs).map { _ in
      var out = [Float](repeating: .nan, count: count)
      biasValues.withUnsafeBufferPointer { biasPointer in
        residualValues.withUnsafeBufferPointer { residualPointer in
          XCTAssertEqual(
            tt_conv2d_packed(
              &shape, x, packed, bias == nil ? nil : biasPointer.baseAddress,
              residual == nil ? nil : residualPointer.baseAddress, Int32(activation.rawValue), &out, &scratch),
            0)
        }
      }
      return out
    }
  }

  /// A packed weight is refused (-1, output untouched) by a convolution of another geometry, and
  /// serves any batch: LeNet-5's second layer (vectors of channels) gives the bits of `tt_conv2d`,
  /// which packs per call.
  func testPackedWeightsCheckTheirGeometry() {
    var shape = tt_conv2d_shape(
      n: 1, c: 6, h: 14, w: 14, o: 16, kh: 5, kw: 5, sh: 1, sw: 1, ph: 0, pw: 0, dh: 1, dw: 1, groups: 1,
      oh: 10,
      ow: 10)
    var random = TestRandom(seed: 7)
    let weight = random.values(16 * 6 * 25)
    var packed = [Float](repeating: 0, count: Int(tt_conv2d_packed_floats(&shape)))
    XCTAssertEqual(tt_conv2d_pack(&shape, weight, &packed), 0)
    var other = shape
    other.h = 15
    other.oh = 11
    var scratch = [Float](repeating: 0, count: Int(tt_conv2d_packed_scratch(&other)))
    let x = random.values(6 * 15 * 14)
    var out = [Float](repeating: 42, count: 16 * 11 * 10)
    XCTAssertEqual(tt_conv2d_packed(&other, x, packed, nil, nil, 0, &out, &scratch), -1)
    XCTAssertEqual(out, [Float](repeating: 42, count: out.count))
    var batch = shape
    batch.n = 3
    let images = random.values(3 * 6 * 14 * 14)
    var expected = [Float](repeating: 0, count: 3 * 1600)
    var unpackedScratch = [Float](repeating: 0, count: Int(tt_conv2d_scratch(&batch)))
    tt_conv2d(&batch, images, weight, nil, nil, 0, &expected, &unpackedScratch)
    XCTAssertEqual(
      runPacked(
        batch, images, weight, bias: nil, residual: nil, activation: TT_ACT_NONE, path: tt_best_isa(),
        outputs: 1)[0], expected)
  }

  func testDirectTilesOnEveryPath() {
    for path in GemmPathTests.paths {
      // 1…17 output channels cover every tile height and panel split of every path; widths give
      // row tails shorter and longer than a vector.
      for outChannels in [1, 2, 3, 5, 6, 7, 8, 9, 16, 17] {
        run(
          Case(channels: 2, height: 7, width: 5, outChannels: outChannels, kernel: (3, 3), padding: (1, 1)),
          path: path)
      }
      run(
        Case(batch: 2, channels: 1, height: 28, width: 28, outChannels: 6, kernel: (5, 5), padding: (2, 2)),
        path: path)
      run(Case(batch: 2, channels: 6, height: 14, width: 14, outChannels: 16, kernel: (5, 5)), path: path)
      run(
        Case(channels: 3, height: 17, width: 63, outChannels: 4, kernel: (3, 2), padding: (1, 0)), path: path)
      run(
        Case(
          channels: 4, height: 9, width: 11, outChannels: 8, kernel: (3, 3), padding: (2, 2),
          dilation: (2, 2), groups: 2),
        path: path)
      run(Case(channels: 8, height: 1, width: 1, outChannels: 13, kernel: (1, 1)), path: path)
    }
  }

  /// Shapes whose group's output channels fill whole vectors run on vectors of channels
  /// (`tt_conv_channels.inc`): every tile width of every path (output rows of 1 to 37 pixels),
  /// partial channel vectors, groups, dilation, and the epilogue with a residual and every activation.
  func testChannelVectorTilesOnEveryPath() {
    let activations = [
      TT_ACT_NONE, TT_ACT_RELU, TT_ACT_SIGMOID, TT_ACT_TANH, TT_ACT_GELU_TANH, TT_ACT_GELU_ERF,
    ]
    for path in GemmPathTests.paths {
      for width in [1, 3, 8, 13, 17, 37] {
        run(
          Case(channels: 3, height: 4, width: width, outChannels: 16, kernel: (3, 3), padding: (1, 1)),
          path: path)
      }
      for outChannels in [8, 12, 24, 32, 48] {
        run(
          Case(batch: 2, channels: 5, height: 6, width: 6, outChannels: outChannels, kernel: (3, 3)),
          path: path)
      }
      run(
        Case(
          channels: 4, height: 9, width: 11, outChannels: 32, kernel: (3, 3), padding: (2, 2),
          dilation: (2, 2), groups: 2),
        path: path)
      for activation in activations {
        run(
          Case(
            batch: 2, channels: 3, height: 5, width: 7, outChannels: 16, kernel: (3, 3), padding: (1, 1),
            residual: true, activation: activation), path: path)
      }
    }
  }

  /// The channel-vector kernel with strides (it reads strided inputs in place), channel counts of
  /// 1, 3, 17, 63, 65 (a last vector of one channel), spatial sizes 1, 3, 17, 63, 65, an unpadded
  /// input read in place, groups, and rows in several cache bands (an input row of 520 channels
  /// fills a band); then layers with many taps on small images, which run as im2col.
  func testChannelVectorStridesAndOddShapesOnEveryPath() {
    for path in GemmPathTests.paths {
      run(
        Case(
          channels: 3, height: 17, width: 35, outChannels: 16, kernel: (7, 7), stride: (2, 2),
          padding: (3, 3),
          residual: true, activation: TT_ACT_RELU), path: path)
      run(
        Case(
          batch: 2, channels: 6, height: 9, width: 63, outChannels: 32, kernel: (3, 3), stride: (2, 1),
          padding: (1, 1), groups: 2), path: path)
      run(
        Case(channels: 1, height: 65, width: 63, outChannels: 16, kernel: (3, 3), padding: (1, 1)), path: path
      )
      run(
        Case(channels: 17, height: 3, width: 17, outChannels: 63, kernel: (3, 3), padding: (1, 1)), path: path
      )
      run(Case(channels: 65, height: 1, width: 65, outChannels: 65, kernel: (1, 3)), path: path)
      run(
        Case(
          channels: 3, height: 17, width: 33, outChannels: 65, kernel: (5, 5), stride: (2, 2),
          padding: (2, 2),
          dilation: (1, 2)), path: path)
      run(Case(channels: 520, height: 2, width: 128, outChannels: 16, kernel: (1, 1)), path: path)
      run(
        Case(channels: 160, height: 5, width: 5, outChannels: 16, kernel: (3, 3), padding: (1, 1)), path: path
      )
      run(
        Case(channels: 64, height: 3, width: 3, outChannels: 65, kernel: (3, 3), padding: (1, 1)), path: path)
    }
  }

  func testIm2colShapesOnEveryPath() {
    for path in GemmPathTests.paths {
      run(
        Case(
          channels: 2, height: 8, width: 8, outChannels: 4, kernel: (3, 3), stride: (2, 2), padding: (1, 1)),
        path: path)
      run(
        Case(channels: 4, height: 5, width: 5, outChannels: 4, kernel: (3, 3), padding: (1, 1), groups: 4),
        path: path)
      run(Case(channels: 3, height: 4, width: 2, outChannels: 5, kernel: (3, 3), padding: (3, 3)), path: path)
    }
  }

  func testEpiloguesOnEveryPath() {
    let activations = [
      TT_ACT_NONE, TT_ACT_RELU, TT_ACT_SIGMOID, TT_ACT_TANH, TT_ACT_GELU_TANH, TT_ACT_GELU_ERF,
    ]
    for path in GemmPathTests.paths {
      for activation in activations {
        for stride in [(1, 1), (2, 1)] {
          run(
            Case(
              batch: 2, channels: 3, height: 9, width: 19, outChannels: 7, kernel: (3, 3), stride: stride,
              padding: (1, 1), residual: true, activation: activation), path: path)
        }
      }
      run(Case(channels: 3, height: 6, width: 6, outChannels: 5, kernel: (3, 3), bias: false), path: path)
    }
  }
}
