import XCTest

@testable import TTIR

/// The coordinate arithmetic of `resize` (docs/IR.md), checked by hand.
final class ResizeTapsTests: XCTestCase {
  func testLinearHalfPixelUpsamplingBlendsNeighboursAndClampsAtTheEdges() {
    // 2 → 4: coordinates −0.25, 0.25, 0.75, 1.25.
    let taps = ResizeTaps(
      input: 2, output: 4, scale: 2, mode: .linear, transform: .halfPixel, rounding: .roundPreferFloor)
    XCTAssertEqual(taps.first, [0, 0, 0, 1])
    XCTAssertEqual(taps.second, [0, 1, 1, 1])
    XCTAssertEqual(taps.weights, [0, 0.25, 0.75, 0])
    XCTAssertTrue(taps.interpolates)
  }

  func testAlignCornersMapsEndsToEnds() {
    let taps = ResizeTaps(
      input: 3, output: 5, scale: 5.0 / 3, mode: .linear, transform: .alignCorners, rounding: .floor)
    XCTAssertEqual(taps.first, [0, 0, 1, 1, 2])
    XCTAssertEqual(taps.weights, [0, 0.5, 0, 0.5, 0])
  }

  func testNearestRoundingModesDifferOnlyAtHalves() {
    // asymmetric, scale 2 on 3 elements: coordinates 0, 0.5, 1, 1.5, 2, 2.5.
    func nearest(_ rounding: ResizeTaps.NearestRounding) -> [Int] {
      ResizeTaps(input: 3, output: 6, scale: 2, mode: .nearest, transform: .asymmetric, rounding: rounding)
        .first
    }
    XCTAssertEqual(nearest(.roundPreferFloor), [0, 0, 1, 1, 2, 2])
    XCTAssertEqual(nearest(.roundPreferCeil), [0, 1, 1, 2, 2, 2])
    XCTAssertEqual(nearest(.floor), [0, 0, 1, 1, 2, 2])
    XCTAssertEqual(nearest(.ceil), [0, 1, 1, 2, 2, 2])
    XCTAssertFalse(
      ResizeTaps(input: 3, output: 6, scale: 2, mode: .nearest, transform: .asymmetric, rounding: .ceil)
        .interpolates)
  }

  func testShapeInferenceChecksSizesAndScales() throws {
    XCTAssertEqual(
      try infer(.resize, [t(.f32, 1, 2, 3)], ["sizes": [1, 4, 2], "scales": .floats([1.0, 2.0, 0.7])]),
      t(.f32, 1, 4, 2))
    assertThrows("must have one entry per axis") {
      _ = try infer(.resize, [t(.f32, 1, 2)], ["sizes": [4], "scales": .floats([2.0])])
    }
    assertThrows("must be positive") {
      _ = try infer(.resize, [t(.f32, 1, 2)], ["sizes": [1, 0], "scales": .floats([1.0, 2.0])])
    }
    assertThrows("x must be f32 or f16, got i64") {
      _ = try infer(.resize, [t(.i64, 1, 2)], ["sizes": [1, 4], "scales": .floats([1.0, 2.0])])
    }
    assertThrows("mode") {
      _ = try infer(
        .resize, [t(.f32, 1, 2)], ["sizes": [1, 4], "scales": .floats([1.0, 2.0]), "mode": "cubic"])
    }
  }
}
