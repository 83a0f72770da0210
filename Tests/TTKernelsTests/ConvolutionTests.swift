import XCTest

@testable import TTKernels

/// Checks the im2col + GEMM convolution against a direct seven-loop reference.
final class ConvolutionTests: XCTestCase {
  /// Deterministic pseudo-random values in [-1, 1).
  static func values(_ count: Int, seed: UInt64) -> [Float] {
    var state = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return (0..<count).map { _ in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Float(state >> 40) / Float(1 << 23) - 1
    }
  }

  /// Direct convolution and its gradients, one multiply-add at a time.
  struct Reference {
    let g: Conv2DGeometry
    func forEachTap(_ body: (_ xi: Int, _ wi: Int, _ yi: Int, _ o: Int) -> Void) {
      let w = g.window
      for n in 0..<g.batch {
        for o in 0..<g.outChannels {
          let group = o / g.groupOutChannels
          for y in 0..<g.outputHeight {
            for x in 0..<g.outputWidth {
              for c in 0..<g.groupInChannels {
                for ky in 0..<w.kernelHeight {
                  for kx in 0..<w.kernelWidth {
                    let ih = y * w.strideHeight - w.paddingHeight + ky * w.dilationHeight
                    let iw = x * w.strideWidth - w.paddingWidth + kx * w.dilationWidth
                    guard ih >= 0, ih < g.height, iw >= 0, iw < g.width else { continue }
                    let channel = group * g.groupInChannels + c
                    let xi = ((n * g.inChannels + channel) * g.height + ih) * g.width + iw
                    let wi = ((o * g.groupInChannels + c) * w.kernelHeight + ky) * w.kernelWidth + kx
                    let yi = ((n * g.outChannels + o) * g.outputHeight + y) * g.outputWidth + x
                    body(xi, wi, yi, o)
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  func check(
    _ g: Conv2DGeometry, bias hasBias: Bool, columnBudget: Int = Convolution.defaultColumnBudget,
    file: StaticString = #filePath, line: UInt = #line
  ) {
    XCTAssertNil(g.problem, file: file, line: line)
    let x = Self.values(g.batch * g.inChannels * g.height * g.width, seed: 1)
    let w = Self.values(ShapeMath.count(g.weightShape), seed: 2)
    let b = Self.values(g.outChannels, seed: 3)
    let outCount = ShapeMath.count(g.outputShape)
    let dy = Self.values(outCount, seed: 4)
    var expected = [Float](repeating: 0, count: outCount)
    var dxRef = [Float](repeating: 0, count: x.count)
    var dwRef = [Float](repeating: 0, count: w.count)
    var dbRef = [Float](repeating: 0, count: g.outChannels)
    let pixels = g.outputHeight * g.outputWidth
    if hasBias {
      for i in 0..<outCount { expected[i] = b[(i / pixels) % g.outChannels] }
    }
    for i in 0..<outCount { dbRef[(i / pixels) % g.outChannels] += dy[i] }
    Reference(g: g).forEachTap { xi, wi, yi, _ in
      expected[yi] += x[xi] * w[wi]
      dxRef[xi] += dy[yi] * w[wi]
      dwRef[wi] += dy[yi] * x[xi]
    }
    var out = [Float](repeating: .nan, count: outCount)
    var dx = [Float](repeating: .nan, count: x.count)
    var dw = [Float](repeating: .nan, count: w.count)
    var db = [Float](repeating: .nan, count: g.outChannels)
    b.withUnsafeBufferPointer { pb in
      Convolution.forward(
        x, weight: w, bias: hasBias ? pb.baseAddress : nil, geometry: g, &out)
    }
    Convolution.backward(
      x, weight: w, dy: dy, geometry: g, dx: &dx, dweight: &dw, dbias: &db, columnBudget: columnBudget)
    assertClose(out, expected, file: file, line: line)
    assertClose(dx, dxRef, file: file, line: line)
    assertClose(dw, dwRef, file: file, line: line)
    assertClose(db, dbRef, file: file, line: line)
  }

  func assertClose(_ a: [Float], _ b: [Float], file: StaticString, line: UInt) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    let worst = zip(a, b).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
    XCTAssertLessThan(worst, 1e-4, file: file, line: line)
  }

  func geometry(
    batch: Int = 2, inChannels: Int, size: (Int, Int), outChannels: Int, groups: Int = 1,
    kernel: (Int, Int), stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0),
    dilation: (Int, Int) = (1, 1)
  ) -> Conv2DGeometry {
    Conv2DGeometry(
      batch: batch, inChannels: inChannels, height: size.0, width: size.1, outChannels: outChannels,
      groups: groups, window: Window2D(kernel: kernel, stride: stride, padding: padding, dilation: dilation))
  }

  func testPlainConvolutionMatchesReference() {
    check(geometry(inChannels: 3, size: (7, 6), outChannels: 5, kernel: (3, 3)), bias: true)
    check(geometry(inChannels: 1, size: (8, 8), outChannels: 6, kernel: (3, 3)), bias: false)
  }

  func testStridePaddingDilationMatchReference() {
    check(geometry(inChannels: 2, size: (9, 7), outChannels: 3, kernel: (3, 2), stride: (2, 3)), bias: true)
    check(geometry(inChannels: 2, size: (5, 6), outChannels: 4, kernel: (3, 3), padding: (1, 2)), bias: true)
    check(
      geometry(
        inChannels: 3, size: (9, 9), outChannels: 2, kernel: (3, 3), padding: (2, 1), dilation: (2, 3)),
      bias: true)
    check(
      geometry(inChannels: 2, size: (6, 5), outChannels: 2, kernel: (2, 3), stride: (2, 2), padding: (1, 1)),
      bias: false)
  }

  func testGroupedAndDepthwiseConvolutionMatchReference() {
    check(
      geometry(inChannels: 4, size: (6, 6), outChannels: 6, groups: 2, kernel: (3, 3), padding: (1, 1)),
      bias: true)
    check(
      geometry(inChannels: 3, size: (5, 5), outChannels: 3, groups: 3, kernel: (3, 3), stride: (2, 2)),
      bias: true)
  }

  func testBatchSplitIntoChunksMatchesReference() {
    // A budget of one value forces one image per chunk; 100 gives chunks of two images and a remainder.
    let g = geometry(batch: 5, inChannels: 2, size: (4, 4), outChannels: 4, groups: 2, kernel: (2, 2))
    check(g, bias: true, columnBudget: 1)
    check(g, bias: true, columnBudget: 100)
  }

  func testKernelEqualToPaddedInputGivesOnePixel() {
    let g = geometry(inChannels: 1, size: (2, 2), outChannels: 1, kernel: (4, 4), padding: (1, 1))
    XCTAssertEqual(g.outputShape, [2, 1, 1, 1])
    check(g, bias: true)
  }

  func testProblemsAreDescribed() {
    let tooBig = geometry(inChannels: 1, size: (3, 3), outChannels: 1, kernel: (5, 5))
    XCTAssertTrue(tooBig.problem?.contains("larger than the padded input") == true, tooBig.problem ?? "")
    let badGroups = geometry(inChannels: 3, size: (5, 5), outChannels: 4, groups: 2, kernel: (3, 3))
    XCTAssertTrue(badGroups.problem?.contains("must divide") == true, badGroups.problem ?? "")
    let badStride = geometry(inChannels: 1, size: (5, 5), outChannels: 1, kernel: (3, 3), stride: (0, 1))
    XCTAssertTrue(badStride.problem?.contains("stride") == true, badStride.problem ?? "")
  }
}
