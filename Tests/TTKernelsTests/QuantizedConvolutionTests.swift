import TTKernels
import TTRuntime
import XCTest

/// The int8 convolution of Runtime/tt_qconv.c on every int8 path this CPU runs, against the
/// arithmetic of docs/IR.md (`quantized_conv2d`) written out as plain loops.
final class QuantizedConvolutionTests: XCTestCase {
  /// One convolution case: the geometry and the parameters of its epilogue.
  private struct Case {
    var geometry: Conv2DGeometry
    var xZero: Int
    var bias: Bool
    var relu: Bool
  }

  /// The expected f32 and int8 outputs: the accumulator over each output's taps (padding reads
  /// xZero), then (acc − xZero · Σw) · xScale · scales[o] + bias[o], ReLU, requantized.
  private func reference(
    _ c: Case, x: [Int8], w: [Int8], xScale: Float, scales: [Float], bias: [Float]?, outScale: Float,
    outZero: Int
  ) -> ([Float], [Int8]) {
    let g = c.geometry
    let win = g.window
    let (cg, og, taps) = (g.groupInChannels, g.groupOutChannels, g.patchSize)
    let (oh, ow) = (g.outputHeight, g.outputWidth)
    var f32: [Float] = []
    var i8: [Int8] = []
    for b in 0..<g.batch {
      for o in 0..<g.outChannels {
        let group = o / og
        let sum = w[o * taps..<(o + 1) * taps].reduce(Int32(0)) { $0 + Int32($1) }
        for oy in 0..<oh {
          for ox in 0..<ow {
            var acc: Int32 = 0
            for ci in 0..<cg {
              for ki in 0..<win.kernelHeight {
                for kj in 0..<win.kernelWidth {
                  let iy = oy * win.strideHeight - win.paddingHeight + ki * win.dilationHeight
                  let ix = ox * win.strideWidth - win.paddingWidth + kj * win.dilationWidth
                  let inside = iy >= 0 && iy < g.height && ix >= 0 && ix < g.width
                  let channel = group * cg + ci
                  let value =
                    inside
                    ? Int32(x[((b * g.inChannels + channel) * g.height + iy) * g.width + ix]) : Int32(c.xZero)
                  acc += value * Int32(w[((o * cg + ci) * win.kernelHeight + ki) * win.kernelWidth + kj])
                }
              }
            }
            var y = Float(acc - Int32(c.xZero) * sum) * (xScale * scales[o])
            if let bias { y = y + bias[o] }
            if c.relu { y = max(y, 0) }
            f32.append(y)
            let q = (y / outScale).rounded(.toNearestOrEven) + Float(outZero)
            i8.append(Int8(min(max(q, -128), 127)))
          }
        }
      }
    }
    return (f32, i8)
  }

  /// Odd channel counts, kernels, strides, paddings, dilations, groups and batches (taps from 1
  /// to past 32, pixels past one 256-pixel block), zero points that make the padding matter;
  /// x holds −128, weights ±127. Each path runs with the weights packed per call and packed ahead
  /// of time (``PackedInt8Weight``, as compiled models and the interpreter read them).
  func testEveryPathFollowsTheDocumentedArithmetic() {
    func geometry(
      _ batch: Int, _ c: Int, _ h: Int, _ w: Int, _ o: Int, kernel: (Int, Int), stride: (Int, Int) = (1, 1),
      padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1), groups: Int = 1
    ) -> Conv2DGeometry {
      Conv2DGeometry(
        batch: batch, inChannels: c, height: h, width: w, outChannels: o, groups: groups,
        window: Window2D(kernel: kernel, stride: stride, padding: padding, dilation: dilation))
    }
    let cases = [
      Case(
        geometry: geometry(1, 1, 8, 8, 8, kernel: (3, 3), padding: (1, 1)), xZero: -128, bias: true,
        relu: true),
      Case(
        geometry: geometry(2, 3, 7, 5, 17, kernel: (3, 3), padding: (1, 1)), xZero: 5, bias: true, relu: false
      ),
      Case(
        geometry: geometry(1, 8, 4, 4, 16, kernel: (3, 3), padding: (1, 1)), xZero: -3, bias: false,
        relu: true),
      Case(geometry: geometry(1, 3, 17, 19, 5, kernel: (1, 1)), xZero: 0, bias: true, relu: false),
      Case(
        geometry: geometry(1, 4, 9, 11, 6, kernel: (3, 2), stride: (2, 3), padding: (2, 1), dilation: (2, 1)),
        xZero: 17, bias: true, relu: true),
      Case(
        geometry: geometry(2, 6, 6, 6, 9, kernel: (3, 3), padding: (1, 1), groups: 3), xZero: -7, bias: true,
        relu: false),
      Case(
        geometry: geometry(1, 2, 20, 20, 3, kernel: (5, 5), padding: (2, 2)), xZero: 100, bias: false,
        relu: false),
      // Kernel rows the unfolding cannot move as one 8-byte word: dilated along x, wider than 8.
      Case(
        geometry: geometry(1, 2, 7, 13, 4, kernel: (2, 3), stride: (1, 2), padding: (1, 2), dilation: (1, 2)),
        xZero: -50, bias: true, relu: false),
      Case(
        geometry: geometry(2, 1, 3, 12, 5, kernel: (1, 9), padding: (0, 4)), xZero: 9, bias: true, relu: true),
    ]
    var bytes = QuantizedLinearTests.Bytes(state: 9)
    for c in cases {
      let g = c.geometry
      XCTAssertNil(g.problem)
      let x = (0..<g.batch * g.inChannels * g.height * g.width).map { _ in Int8(bitPattern: bytes.next()) }
      var w = (0..<g.outChannels * g.patchSize).map { _ in Int8(Int(bytes.next() % 255) - 127) }
      w[0] = -127
      let scales = (0..<g.outChannels).map { Float($0 % 5 + 1) * 0.003 }
      let bias = c.bias ? (0..<g.outChannels).map { Float($0 % 7) * 0.25 - 0.75 } : nil
      let (xScale, outScale, outZero): (Float, Float, Int) = (0.05, 0.4, -9)
      let (expectedF32, expectedI8) = reference(
        c, x: x, w: w, xScale: xScale, scales: scales, bias: bias, outScale: outScale, outZero: outZero)
      let count = expectedF32.count
      XCTAssertEqual(count, g.outputShape.reduce(1, *))
      let packed = PackedInt8Weight(w, rows: g.outChannels, columns: g.patchSize, groups: g.groups)
      let runs: [(QuantizedLinear.KernelPath, PackedInt8Weight?)] = QuantizedLinearTests.runnablePaths.flatMap
      {
        [($0, nil), ($0, packed)]
      }
      for (path, packed) in runs {
        var f32 = [Float](repeating: .nan, count: count)
        var i8 = [Int8](repeating: 0, count: count)
        x.withUnsafeBufferPointer { xs in
          let input = QuantizedLinear.Input.int8(xs.baseAddress!, scale: xScale, zeroPoint: c.xZero)
          (bias ?? []).withUnsafeBufferPointer { biasValues in
            let biasPointer = bias == nil ? nil : biasValues.baseAddress
            f32.withUnsafeMutableBufferPointer { out in
              QuantizedConvolution.run(
                input, weight: w, weightScales: scales, bias: biasPointer, relu: c.relu, geometry: g,
                .float(out.baseAddress!), packed: packed, path: path)
            }
            i8.withUnsafeMutableBufferPointer { out in
              QuantizedConvolution.run(
                input, weight: w, weightScales: scales, bias: biasPointer, relu: c.relu, geometry: g,
                .int8(out.baseAddress!, scale: outScale, zeroPoint: outZero), packed: packed,
                path: path)
            }
          }
        }
        XCTAssertEqual(f32, expectedF32, "\(path.name) packed: \(packed != nil) \(g)")
        XCTAssertEqual(i8, expectedI8, "\(path.name) packed: \(packed != nil) \(g)")
      }
    }
  }

  /// `tt_qmax_pool2d` takes the same windows as the f32 `tt_max_pool2d` (padding never wins): on
  /// int8 values it returns exactly the f32 kernel's maximum of the same values, −128 included.
  func testInt8MaxPoolingMatchesTheFloatKernel() {
    var bytes = QuantizedLinearTests.Bytes(state: 9)
    for (kernel, stride, padding) in [
      ((2, 2), (2, 2), (0, 0)), ((3, 2), (2, 1), (1, 1)), ((3, 3), (1, 3), (1, 0)),
    ] {
      let g = Pool2DGeometry(
        batch: 2, channels: 3, height: 7, width: 5,
        window: Window2D(kernel: kernel, stride: stride, padding: padding))
      let x = (0..<2 * 3 * 7 * 5).map { _ in
        bytes.next() & 3 == 0 ? Int8.min : Int8(bitPattern: bytes.next())
      }
      let count = g.batch * g.channels * g.outputHeight * g.outputWidth
      var pooled = [Int8](repeating: 0, count: count)
      var expected = [Float](repeating: 0, count: count)
      MaxPool2D.forward(x, geometry: g, &pooled)
      MaxPool2D.forward(x.map(Float.init), geometry: g, &expected, indices: nil)
      XCTAssertEqual(pooled.map(Float.init), expected, "kernel \(kernel) stride \(stride) padding \(padding)")
    }
  }
}
