import XCTest

@testable import TinyTorch

final class CharTokenizerTests: XCTestCase {
  func testVocabularyIsSortedAndStable() throws {
    let a = CharTokenizer(corpus: "hello world")
    let b = CharTokenizer(corpus: "world hello")
    XCTAssertEqual(a.characters, [" ", "d", "e", "h", "l", "o", "r", "w"])
    XCTAssertEqual(a.characters, b.characters)
    XCTAssertEqual(a.vocabularySize, 9)
    XCTAssertEqual(try a.encode("hello"), [4, 3, 5, 5, 6])
    XCTAssertEqual(try a.decode(a.encode("hello world")), "hello world")
  }

  func testUnknownCharactersMapToUnknownID() throws {
    let t = CharTokenizer(corpus: "abc")
    XCTAssertEqual(try t.encode("abz"), [1, 2, CharTokenizer.unknownID])
    XCTAssertEqual(try t.decode([1, 0]), "a\u{FFFD}")
  }

  func testUnknownCharactersThrowWhenAsked() {
    let t = CharTokenizer(corpus: "abc", unknownPolicy: .throwError)
    XCTAssertThrowsError(try t.encode("abzc")) { error in
      XCTAssertEqual(error as? TokenizerError, .unknownCharacter("z", offset: 2))
    }
  }

  func testDecodeRejectsIDsOutsideVocabulary() {
    let t = CharTokenizer(corpus: "abc")
    XCTAssertThrowsError(try t.decode([1, 4])) { error in
      XCTAssertEqual(error as? TokenizerError, .invalidTokenID(4, vocabularySize: 4))
    }
    XCTAssertThrowsError(try t.decode([-1]))
  }

  func testRoundTripOnTinyTalks() throws {
    let text = try String(contentsOfFile: tinyTalksPath("train.txt"), encoding: .utf8)
    let t = CharTokenizer(corpus: text, unknownPolicy: .throwError)
    XCTAssertEqual(try t.decode(t.encode(text)), text)
  }
}

/// Path of a TinyTalks split file in the repository's Data folder.
func tinyTalksPath(_ file: String) -> String {
  URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Data/tinytalks/splits/\(file)").path
}
