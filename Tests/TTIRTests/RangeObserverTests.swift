import TTIR
import XCTest

/// `RangeObserver`: min/max and nearest-rank percentiles over several recordings, non-finite
/// values ignored, 0...0 when nothing was seen.
final class RangeObserverTests: XCTestCase {
  func testMinMaxAndPercentiles() {
    var minMax = RangeObserver(.minMax)
    var percentile = RangeObserver(.percentile(90))
    var all = RangeObserver(.percentile(100))
    for chunk in [[3, -2, .nan], [Float.infinity, 7, 0], (0..<15).map { Float($0) / 10 }] {
      minMax.record(chunk)
      percentile.record(chunk)
      all.record(chunk)
    }
    XCTAssertEqual(minMax.range, -2...7)
    XCTAssertEqual(all.range, -2...7)
    // 19 finite values sorted: -2, 0, 0, 0.1 … 1.4, 3, 7; ranks round(18 · 0.9) = 16 and 18 − 16 = 2.
    XCTAssertEqual(percentile.range, 0...1.4)
    XCTAssertEqual(RangeObserver(.percentile(99)).range, 0...0)
    XCTAssertEqual(RangeObserver(.minMax).range, 0...0)
  }
}
