import XCTest

@testable import TTIR

final class JSONTests: XCTestCase {
  private func parse(_ text: String) throws -> JSON { try JSONParser.parse(Array(text.utf8)) }

  func testParsesValues() throws {
    let json = try parse(
      #" {"a": [1, -2.5, 3e2, 0, -0], "b": {"c": null, "d": true, "e": false}, "s": "x\n\u00e9\ud83d\ude00\/"} "#
    )
    XCTAssertEqual(json["a"], .array([.int(1), .double(-2.5), .double(300), .int(0), .int(0)]))
    XCTAssertEqual(json["b"]?["c"], .null)
    XCTAssertEqual(json["b"]?["d"], .bool(true))
    XCTAssertEqual(json["s"], .string("x\né😀/"))
    XCTAssertEqual(try parse("1.0"), .double(1))
    XCTAssertEqual(try parse("9223372036854775807"), .int(.max))
    XCTAssertEqual(try parse("9223372036854775808"), .double(9_223_372_036_854_775_808))
  }

  func testRejectsInvalidDocuments() {
    let cases: [(String, String)] = [
      ("", "line 1, column 1: unexpected end of input"),
      ("{\"a\": 1,}", "expected a string key"),
      ("[1 2]", "expected ',' or ']' in array"),
      ("{\"a\": 1, \"a\": 2}", "duplicate key \"a\""),
      ("01", "unexpected text after the document"),
      ("1.", "expected digits after '.'"),
      ("\"abc", "unterminated string"),
      ("\"a\u{01}\"", "unescaped control character"),
      ("tru", "invalid literal"),
      ("{\n  \"a\": x}", "line 2, column 8"),
      ("1e999", "out of range"),
      (String(repeating: "[", count: 300), "nesting deeper than 256"),
    ]
    for (text, fragment) in cases {
      assertThrows(fragment) { _ = try self.parse(text) }
    }
  }

  func testWriterRoundTripsDoublesExactly() throws {
    let values: [Double] = [
      0.1, 1e-5, 1.0, -0.0, 123456789.125, .leastNonzeroMagnitude, 1.7976931348623157e308,
      Double(Float(0.1)),
    ]
    let json = JSON.array(values.map(JSON.double))
    let text = JSONWriter.string(json, style: .compact)
    guard case .array(let parsed) = try parse(text) else { return XCTFail("not an array") }
    XCTAssertEqual(parsed.count, values.count)
    for (value, element) in zip(values, parsed) {
      guard case .double(let number) = element else { return XCTFail("\(element) is not a double") }
      XCTAssertEqual(number.bitPattern, value.bitPattern)
    }
  }

  func testWriterStyles() {
    let json = JSON.object([
      "name": .string("q\"/\u{01}é"), "list": .array([.int(1), .int(2)]),
      "nodes": .array([.object(["a": .int(1), "b": .object([:])])]),
    ])
    XCTAssertEqual(
      JSONWriter.string(json, style: .compact),
      #"{"name":"q\"/\u0001é","list":[1,2],"nodes":[{"a":1,"b":{}}]}"#)
    XCTAssertEqual(
      JSONWriter.string(json, style: .readable),
      """
      {
        "name": "q\\"/\\u0001é",
        "list": [
          1,
          2
        ],
        "nodes": [
          {"a": 1, "b": {}}
        ]
      }

      """)
  }
}
