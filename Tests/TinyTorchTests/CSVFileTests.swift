import Foundation
import XCTest

@testable import TinyTorch

final class CSVFileTests: XCTestCase {
  func testParsesNumbersWithAndWithoutHeader() throws {
    let plain = try CSVFile(text: "1,2.5,-3\n4, 5e-1 ,6\r\n\n")
    XCTAssertEqual(plain.columnNames, [])
    XCTAssertEqual(plain.values.shape, [2, 3])
    XCTAssertEqual(plain.values.scalars, [1, 2.5, -3, 4, 0.5, 6])
    let headed = try CSVFile(text: "label,x\n1,0.25\n0,0.75\n", hasHeader: true)
    XCTAssertEqual(headed.columnNames, ["label", "x"])
    XCTAssertEqual(headed.values.shape, [2, 2])
    let tabs = try CSVFile(text: "1\t2\n", separator: "\t")
    XCTAssertEqual(tabs.values.scalars, [1, 2])
  }

  func testReadsTinyDigitsCSV() throws {
    let url = Fixtures.repositoryRoot.appendingPathComponent("Data/tinydigits/test.csv")
    let table = try CSVFile(contentsOf: url)
    XCTAssertEqual(table.values.shape, [200, 65])
  }

  func testBadCellNamesLineAndCell() {
    XCTAssertThrowsError(try CSVFile(text: "a,b\n1,2\n3,x\n", hasHeader: true)) { error in
      XCTAssertEqual(error as? CSVError, CSVError(line: 3, "cell 2 'x' is not a number"))
      XCTAssertEqual("\(error)", "CSV line 3: cell 2 'x' is not a number")
    }
    XCTAssertThrowsError(try CSVFile(text: "1,,2\n")) { error in
      XCTAssertEqual((error as? CSVError)?.line, 1)
    }
  }

  func testRaggedRowNamesLine() {
    XCTAssertThrowsError(try CSVFile(text: "1,2\n3,4\n\n5\n")) { error in
      XCTAssertEqual("\(error)", "CSV line 4: row has 1 cells, expected 2")
    }
    XCTAssertThrowsError(try CSVFile(text: "a,b,c\n1,2\n", hasHeader: true)) { error in
      XCTAssertEqual((error as? CSVError)?.line, 2)
    }
  }

  func testEmptyFileIsAnError() {
    XCTAssertThrowsError(try CSVFile(text: "")) { error in
      XCTAssertTrue("\(error)".contains("no data rows"))
    }
    XCTAssertThrowsError(try CSVFile(text: "a,b\n", hasHeader: true))
  }

  func testMissingFileNamesThePath() {
    XCTAssertThrowsError(try CSVFile(contentsOf: URL(fileURLWithPath: "/nonexistent/t.csv"))) { error in
      XCTAssertTrue("\(error)".contains("/nonexistent/t.csv"), "\(error)")
    }
  }
}
