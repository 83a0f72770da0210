import Foundation
import XCTest

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// The elements of a parsed SVG document: every element's name, attributes and text, in order.
/// Parsing fails the test when the document is not well-formed XML.
struct SVGStructure {
  struct Element {
    let name: String
    let attributes: [String: String]
    /// The text inside the element, its children's included (a bar's is its `<title>` tooltip).
    var text = ""
  }

  private(set) var elements: [Element] = []

  init(_ document: String, file: StaticString = #filePath, line: UInt = #line) throws {
    let collector = Collector()
    let parser = XMLParser(data: Data(document.utf8))
    parser.delegate = collector
    let parsed = parser.parse()
    XCTAssertTrue(
      parsed, "not well-formed XML: \(String(describing: parser.parserError))", file: file, line: line)
    if !parsed { throw XCTSkip("unparseable document") }
    elements = collector.elements
  }

  /// The elements named `name` whose `class` attribute is `className` (any class when nil).
  func elements(_ name: String, class className: String? = nil) -> [Element] {
    elements.filter { $0.name == name && (className == nil || $0.attributes["class"] == className) }
  }

  /// The text of every `<text>` element.
  var texts: [String] { elements("text").map(\.text) }

  private final class Collector: NSObject, XMLParserDelegate {
    var elements: [Element] = []
    private var open: [Int] = []

    func parser(
      _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
      attributes: [String: String] = [:]
    ) {
      open.append(elements.count)
      elements.append(Element(name: name, attributes: attributes))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
      for index in open { elements[index].text += string }
    }

    func parser(
      _ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?
    ) {
      open.removeLast()
    }
  }
}
