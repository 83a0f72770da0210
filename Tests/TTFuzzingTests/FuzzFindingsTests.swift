import Foundation
import TTFuzzing
import TTIR
import XCTest

/// Inputs the fuzzers found crashing a reader, each now refused with one line.
final class FuzzFindingsTests: XCTestCase {
  /// A `.npy` header declaring Int.max float64 elements: the size in the error message was
  /// computed as `count * 8` and trapped.
  func testNpyShapeWhoseByteCountOverflows() {
    var header = "{'descr': '<f8', 'fortran_order': False, 'shape': (9223372036854775807,), }"
    header += String(repeating: " ", count: 63 - (10 + header.utf8.count) % 64) + "\n"
    let bytes =
      [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count), 0] + Array(header.utf8)
      + [UInt8](repeating: 0, count: 16)
    XCTAssertThrowsError(try NumpyFile(data: Data(bytes))) {
      XCTAssertEqual(
        "\($0)",
        "data size mismatch: shape [9223372036854775807] of <f8 needs more than Int.max bytes, the file has 16"
      )
    }
    XCTAssertFalse(FuzzTarget.npy.run(bytes))
  }
}
