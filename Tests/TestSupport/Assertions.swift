import XCTest

/// The project's agreement tolerances, relative with an absolute floor: `|a − b| ≤ t · max(1, |b|)`.
public enum Tolerance {
  /// Rewrites that must not change results beyond rounding (exact passes).
  public static let exact: Float = 1e-6
  /// The interpreter against eager mode.
  public static let interpreter: Float = 1e-5
  /// Compiled C against the interpreter (different instruction order, FMA contraction).
  public static let compiled: Float = 1e-4
}

/// Asserts that `body` throws an error whose description is one line containing every fragment.
public func assertThrows<T>(
  _ fragments: String..., file: StaticString = #filePath, line: UInt = #line,
  _ body: () throws -> T
) {
  do {
    _ = try body()
    XCTFail("expected an error containing \(fragments)", file: file, line: line)
  } catch {
    let text = String(describing: error)
    for fragment in fragments {
      XCTAssertTrue(
        text.contains(fragment), "'\(text)' does not contain '\(fragment)'", file: file, line: line)
    }
    XCTAssertFalse(text.contains("\n"), "error is not one line: \(text)", file: file, line: line)
  }
}

/// Asserts `|actual − expected| ≤ tolerance · max(1, |expected|)` element by element (NaNs must
/// match), and reports the first disagreement.
public func assertClose(
  _ actual: [Float], _ expected: [Float], _ message: @autoclosure () -> String = "",
  tolerance: Float = Tolerance.interpreter, file: StaticString = #filePath, line: UInt = #line
) {
  guard actual.count == expected.count else {
    XCTFail("\(message()): \(actual.count) values, expected \(expected.count)", file: file, line: line)
    return
  }
  for (index, (a, e)) in zip(actual, expected).enumerated() {
    if a == e || (a.isNaN && e.isNaN) { continue }
    guard Swift.abs(a - e) <= tolerance * Swift.max(1, Swift.abs(e)) else {
      XCTFail("\(message()): element \(index) is \(a), expected \(e)", file: file, line: line)
      return
    }
  }
}
