import XCTest

@testable import TTKernels

final class PoolingTests: XCTestCase {
  func geometry(
    _ h: Int, _ w: Int, kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int) = (0, 0),
    batch: Int = 1, channels: Int = 1
  ) -> Pool2DGeometry {
    Pool2DGeometry(
      batch: batch, channels: channels, height: h, width: w,
      window: Window2D(kernel: kernel, stride: stride, padding: padding))
  }

  func testMaxPoolPicksWindowMaximaAndRoutesGradient() {
    let x: [Float] = [
      1, 5, 2, 0,
      3, 4, 8, 1,
      0, 2, 6, 7,
      9, 1, 3, 3,
    ]
    let g = geometry(4, 4, kernel: (2, 2), stride: (2, 2))
    var out = [Float](repeating: 0, count: 4)
    var indices = [Int32](repeating: 0, count: 4)
    MaxPool2D.forward(x, geometry: g, &out, indices: &indices)
    XCTAssertEqual(out, [5, 8, 9, 7])
    XCTAssertEqual(indices, [1, 6, 12, 11])
    var dx = [Float](repeating: .nan, count: 16)
    MaxPool2D.backward(dy: [1, 2, 3, 4], indices: indices, geometry: g, dx: &dx)
    XCTAssertEqual(dx, [0, 1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 4, 3, 0, 0, 0])
  }

  func testMaxPoolTiesGoToFirstAndOverlappingWindowsAccumulate() {
    // 3×3 input of equal values, 2×2 windows with stride 1: every window's first position wins.
    let g = geometry(3, 3, kernel: (2, 2), stride: (1, 1))
    var out = [Float](repeating: 0, count: 4)
    var indices = [Int32](repeating: 0, count: 4)
    MaxPool2D.forward([Float](repeating: 1, count: 9), geometry: g, &out, indices: &indices)
    XCTAssertEqual(indices, [0, 1, 3, 4])
    var dx = [Float](repeating: 0, count: 9)
    MaxPool2D.backward(dy: [1, 1, 1, 1], indices: indices, geometry: g, dx: &dx)
    XCTAssertEqual(dx, [1, 1, 0, 1, 1, 0, 0, 0, 0])
    XCTAssertEqual(dx.reduce(0, +), 4)
  }

  func testMaxPoolPaddingActsAsNegativeInfinity() {
    let g = geometry(2, 2, kernel: (3, 3), stride: (2, 2), padding: (1, 1))
    XCTAssertEqual(g.outputShape, [1, 1, 1, 1])
    var out: [Float] = [0]
    var indices: [Int32] = [0]
    MaxPool2D.forward([-4, -3, -2, -5], geometry: g, &out, indices: &indices)
    XCTAssertEqual(out, [-2])
    XCTAssertEqual(indices, [2])
  }

  func testAvgPoolCountIncludePadSemantics() {
    let x: [Float] = [1, 2, 3, 4]
    let g = geometry(2, 2, kernel: (2, 2), stride: (1, 1), padding: (1, 1))
    XCTAssertEqual(g.outputShape, [1, 1, 3, 3])
    var included = [Float](repeating: 0, count: 9)
    AvgPool2D.forward(x, geometry: g, &included)
    XCTAssertEqual(included, [0.25, 0.75, 0.5, 1, 2.5, 1.5, 0.75, 1.75, 1])
    var excluded = [Float](repeating: 0, count: 9)
    AvgPool2D.forward(x, geometry: g, countIncludePad: false, &excluded)
    XCTAssertEqual(excluded, [1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4])
    var dx = [Float](repeating: .nan, count: 4)
    AvgPool2D.backward(dy: [Float](repeating: 1, count: 9), geometry: g, dx: &dx)
    XCTAssertEqual(dx, [1, 1, 1, 1])  // each input lies in four windows, each giving 1/4
  }

  func testMultiplePlanesAreIndependent() {
    let g = geometry(2, 2, kernel: (2, 2), stride: (2, 2), batch: 2, channels: 3)
    let x = (0..<24).map(Float.init)
    var out = [Float](repeating: 0, count: 6)
    var indices = [Int32](repeating: 0, count: 6)
    MaxPool2D.forward(x, geometry: g, &out, indices: &indices)
    XCTAssertEqual(out, [3, 7, 11, 15, 19, 23])
    var avg = [Float](repeating: 0, count: 6)
    AvgPool2D.forward(x, geometry: g, &avg)
    XCTAssertEqual(avg, [1.5, 5.5, 9.5, 13.5, 17.5, 21.5])
  }

  func testProblemsAreDescribed() {
    XCTAssertNotNil(geometry(4, 4, kernel: (3, 3), stride: (1, 1), padding: (2, 0)).problem)
    XCTAssertNotNil(geometry(2, 2, kernel: (3, 3), stride: (1, 1)).problem)
    XCTAssertNil(geometry(4, 4, kernel: (3, 3), stride: (1, 1), padding: (1, 1)).problem)
  }

  /// The vectorized kernel (no indices: the runtime's tt_max_pool2d) and the indexed loop give the
  /// same maxima, and average pooling matches a direct window sum, over odd sizes, strides 1-3 and
  /// padding.
  func testVectorizedPoolingMatchesWindowLoops() {
    var random = TestRandom(seed: 7)
    for (h, w) in [(1, 1), (3, 17), (17, 3), (28, 28), (9, 65), (10, 10), (7, 13), (6, 35)] {
      for (k, s, p) in [(1, 1, 0), (2, 2, 0), (3, 1, 1), (3, 2, 1), (3, 3, 0), (2, 1, 1)]
      where k <= min(h, w) + 2 * p {
        let g = geometry(h, w, kernel: (k, k), stride: (s, s), padding: (p, p), batch: 2, channels: 3)
        guard g.problem == nil else { continue }
        let x = random.values(2 * 3 * h * w)
        let count = g.outputShape.reduce(1, *)
        var fast = [Float](repeating: .nan, count: count)
        var indexed = [Float](repeating: .nan, count: count)
        var indices = [Int32](repeating: 0, count: count)
        MaxPool2D.forward(x, geometry: g, &fast, indices: nil)
        MaxPool2D.forward(x, geometry: g, &indexed, indices: &indices)
        XCTAssertEqual(fast, indexed, "max \(h)×\(w) k\(k) s\(s) p\(p)")
        for include in [true, false] {
          var average = [Float](repeating: .nan, count: count)
          AvgPool2D.forward(x, geometry: g, countIncludePad: include, &average)
          var expected = [Float](repeating: 0, count: count)
          var o = 0
          g.forEachWindow { plane, _, _, rows, columns in
            var sum: Float = 0
            for r in rows { for c in columns { sum += x[plane * h * w + r * w + c] } }
            expected[o] = sum / AvgPool2D.divisor(g, rows, columns, include)
            o += 1
          }
          assertClose(average, expected, absolute: 1e-6, relative: 1e-5, "avg \(h)×\(w) k\(k) s\(s) p\(p)")
        }
      }
    }
  }
}
