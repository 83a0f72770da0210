import TTKernels
import TTRuntime
import XCTest

/// The runtime's worker threads: GEMM (B in place and pre-packed) and both convolution algorithms
/// give bitwise the same outputs on 1 to 4 threads, on every instruction-set path this machine runs
/// (the shapes are above the work threshold, so the tasks really are split: over row blocks and
/// column chunks, images and q blocks).
final class KernelThreadsTests: XCTestCase {
  override func tearDown() {
    KernelThreads.set(1)
    super.tearDown()
  }

  /// The bit patterns of `compute()` with 1 thread, after checking 2, 3 and 4 threads agree.
  func assertSameForEveryThreadCount(
    _ label: String, file: StaticString = #filePath, line: UInt = #line, _ compute: () -> [Float]
  ) {
    XCTAssertEqual(KernelThreads.set(1), 1)
    let one = compute().map(\.bitPattern)
    for threads in 2...4 {
      XCTAssertEqual(KernelThreads.set(threads), threads, file: file, line: line)
      XCTAssertEqual(KernelThreads.count, threads, file: file, line: line)
      XCTAssertTrue(
        compute().map(\.bitPattern) == one, "\(label), \(threads) threads", file: file, line: line)
    }
  }

  func testProductsAreBitwiseIdenticalForEveryThreadCount() {
    for path in GemmPathTests.paths {
      for (m, n, k) in [(300, 257, 129), (13, 2000, 600), (257, 65, 1100)] {
        var random = TestRandom(seed: UInt64(m * n + k))
        let (a, b, bias) = (random.values(m * k), random.values(k * n), random.values(n))
        var scratch = [Float](repeating: 0, count: Int(tt_sgemm_scratch(Int64(m), Int64(n), Int64(k))))
        assertSameForEveryThreadCount("path \(path.rawValue) \(m)×\(n)×\(k)") {
          var c = [Float](repeating: .nan, count: m * n)
          bias.withUnsafeBufferPointer { biasPointer in
            var epilogue = tt_epilogue(
              bias: biasPointer.baseAddress, row_bias: nil, residual: nil, ldr: 0,
              activation: Int32(TT_ACT_TANH.rawValue))
            tt_sgemm_isa(
              path, Int64(m), Int64(n), Int64(k), a, Int64(k), 0, b, Int64(n), 0, &c, Int64(n), &epilogue,
              &scratch)
          }
          return c
        }
      }
    }
  }

  /// Products with B pre-packed as strips (compiled models' constant weights), where one parallel
  /// region runs every K slice of a task's block: several K slices, row counts that split into
  /// uneven tiles, and the small-M path.
  func testPrePackedProductsAreBitwiseIdenticalForEveryThreadCount() {
    for path in GemmPathTests.paths {
      for (m, n, k) in [(300, 257, 1100), (1030, 64, 40), (7, 3000, 300)] {
        var random = TestRandom(seed: UInt64(m * n + k + 1))
        let (a, b, residual) = (random.values(m * k), random.values(k * n), random.values(m * n))
        var packed = [Float](
          repeating: .nan, count: Int(tt_sgemm_packed_b_floats_isa(path, Int64(k), Int64(n))))
        XCTAssertEqual(tt_sgemm_pack_b_isa(path, Int64(k), Int64(n), b, Int64(n), &packed), 0)
        var scratch = [Float](repeating: 0, count: Int(tt_sgemm_scratch(Int64(m), Int64(n), Int64(k))))
        assertSameForEveryThreadCount("path \(path.rawValue) \(m)×\(n)×\(k), pre-packed B") {
          var c = [Float](repeating: .nan, count: m * n)
          residual.withUnsafeBufferPointer { residualPointer in
            var epilogue = tt_epilogue(
              bias: nil, row_bias: nil, residual: residualPointer.baseAddress, ldr: Int64(n),
              activation: Int32(TT_ACT_RELU.rawValue))
            let status = tt_sgemm_packed_b_isa(
              path, Int64(m), Int64(n), Int64(k), a, Int64(k), 0, packed, &c, Int64(n), &epilogue, &scratch)
            XCTAssertEqual(status, 0)
          }
          return c
        }
      }
    }
  }

  func testConvolutionsAreBitwiseIdenticalForEveryThreadCount() {
    let cases = [
      // direct, split by images; direct on one image, split by q blocks; im2col (stride 2).
      Conv2DGeometry(
        batch: 8, inChannels: 16, height: 30, width: 30, outChannels: 16,
        window: Window2D(kernel: (3, 3), stride: (1, 1), padding: (1, 1))),
      Conv2DGeometry(
        batch: 1, inChannels: 8, height: 64, width: 64, outChannels: 16,
        window: Window2D(kernel: (3, 3), stride: (1, 1), padding: (1, 1))),
      Conv2DGeometry(
        batch: 8, inChannels: 16, height: 30, width: 30, outChannels: 16,
        window: Window2D(kernel: (3, 3), stride: (2, 2), padding: (1, 1))),
    ]
    for path in GemmPathTests.paths {
      for geometry in cases {
        var random = TestRandom(seed: UInt64(geometry.batch * 100 + geometry.window.strideHeight))
        let x = random.values(geometry.batch * geometry.inChannels * geometry.height * geometry.width)
        let weight = random.values(geometry.weightShape.reduce(1, *))
        let bias = random.values(geometry.outChannels)
        var shape = geometry.runtimeShape
        var scratch = [Float](repeating: 0, count: Int(tt_conv2d_scratch(&shape)))
        assertSameForEveryThreadCount("path \(path.rawValue) \(geometry)") {
          var y = [Float](repeating: .nan, count: geometry.outputShape.reduce(1, *))
          tt_conv2d_isa(path, &shape, x, weight, bias, nil, Int32(TT_ACT_RELU.rawValue), &y, &scratch)
          return y
        }
      }
    }
  }
}
