import Foundation
import TTIR
import XCTest

@testable import TinyTorch

final class NumpyFileTests: XCTestCase {
  func testReadsEachSupportedDtypeWrittenByNumPy() throws {
    let f32 = try NumpyFile(contentsOf: Fixtures.url("npy/f32_2x3.npy"))
    XCTAssertEqual(f32.shape, [2, 3])
    XCTAssertEqual(f32.elements, .float32([1.5, -2, 3.25, 0, 1e-3, -7]))
    let f64 = try NumpyFile(contentsOf: Fixtures.url("npy/f64_3.npy"))
    XCTAssertEqual(f64.elements, .float64([0.1, -0.2, 1e10]))
    let i32 = try NumpyFile(contentsOf: Fixtures.url("npy/i32_2x2.npy"))
    XCTAssertEqual(i32.shape, [2, 2])
    XCTAssertEqual(i32.elements, .int32([1, -2, 3, Int32.max]))
    let i64 = try NumpyFile(contentsOf: Fixtures.url("npy/i64_4.npy"))
    XCTAssertEqual(i64.int64s(), [0, 9, -1, 1 << 40])
    let scalar = try NumpyFile(contentsOf: Fixtures.url("npy/f32_scalar.npy"))
    XCTAssertEqual(scalar.shape, [])
    XCTAssertEqual(scalar.floats(), [2.5])
  }

  func testEncodingIsByteIdenticalToNumPy() throws {
    for name in ["f32_2x3", "f64_3", "i32_2x2", "i64_4", "f32_scalar"] {
      let url = Fixtures.url("npy/\(name).npy")
      let original = try Data(contentsOf: url)
      XCTAssertEqual(try NumpyFile(data: original).encoded(), original, name)
    }
  }

  func testTensorRoundTripThroughAFile() throws {
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("t.npy")
    let t = Tensor.randn([3, 1, 4], seed: 2)
    try t.saveNumpy(to: url)
    let back = try Tensor(npyFile: url)
    XCTAssertEqual(back.shape, [3, 1, 4])
    XCTAssertEqual(back.scalars, t.scalars)
    XCTAssertEqual(try Tensor(npyFile: Fixtures.url("npy/i64_4.npy")).scalars, [0, 9, -1, 1_099_511_627_776])
  }

  func testReadsTinyDigits() throws {
    let images = try Tensor(
      npyFile: Fixtures.repositoryRoot.appendingPathComponent("Data/tinydigits/test_images.npy"))
    let labels = try Tensor(
      npyFile: Fixtures.repositoryRoot.appendingPathComponent("Data/tinydigits/test_labels.npy"))
    XCTAssertEqual(images.shape, [200, 8, 8])
    XCTAssertEqual(labels.shape, [200])
    XCTAssertTrue(labels.scalars.allSatisfy { (0...9).contains($0) && $0 == $0.rounded() })
  }

  /// Asserts that decoding `data` throws an error whose message contains `fragment`.
  func assertRejects(
    _ data: Data, _ fragment: String, file: StaticString = #filePath, line: UInt = #line
  ) {
    XCTAssertThrowsError(try NumpyFile(data: data), file: file, line: line) { error in
      XCTAssertTrue("\(error)".contains(fragment), "\(error)", file: file, line: line)
    }
  }

  func testRejectsFortranOrder() throws {
    assertRejects(try Data(contentsOf: Fixtures.url("npy/fortran_2x3.npy")), "Fortran-order")
  }

  func testRejectsBigEndian() throws {
    assertRejects(try Data(contentsOf: Fixtures.url("npy/bigendian_3.npy")), "big-endian dtype '>f4'")
  }

  func testRejectsUnsupportedDtype() throws {
    assertRejects(try Data(contentsOf: Fixtures.url("npy/u8_3.npy")), "unsupported dtype '|u1'")
  }

  func testRejectsTruncatedAndOverlongData() throws {
    let data = try Data(contentsOf: Fixtures.url("npy/f32_2x3.npy"))
    assertRejects(data.dropLast(3), "needs 24 bytes, the file has 21")
    assertRejects(data + Data([0, 0, 0, 0]), "needs 24 bytes, the file has 28")
    assertRejects(data.prefix(40), "truncated header")
  }

  func testRejectsBadMagicAndHeaders() throws {
    let data = try Data(contentsOf: Fixtures.url("npy/f32_2x3.npy"))
    var badMagic = data
    badMagic[1] = UInt8(ascii: "X")
    assertRejects(badMagic, "bad magic")
    assertRejects(Data("hello".utf8), "bad magic")
    func withHeader(_ header: String) -> Data {
      let bytes = Array(header.utf8)
      return Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(bytes.count), 0] + bytes)
    }
    assertRejects(withHeader("{'descr': '<f4', 'shape': (1,), }"), "no 'fortran_order'")
    assertRejects(withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (x,), }"), "malformed header")
    assertRejects(withHeader("not a dict"), "malformed header")
    var badVersion = data
    badVersion[6] = 9
    assertRejects(badVersion, "unsupported .npy format version 9")
  }

  func testMissingFileNamesThePath() {
    XCTAssertThrowsError(try Tensor(npyFile: URL(fileURLWithPath: "/nonexistent/x.npy"))) { error in
      XCTAssertTrue("\(error)".contains("/nonexistent/x.npy"), "\(error)")
    }
  }
}
