/// A chart drawn as SVG: a standalone document (``svg()``) or one panel of a ``Figure``.
public protocol Chart {
  /// The title, drawn above the chart and used as the document's `<title>`.
  var title: String { get }

  /// The chart's SVG elements, drawn from the origin, and the size they take in pixels.
  func rendered() -> RenderedChart
}

/// The elements of one drawn chart and their size.
public struct RenderedChart: Sendable {
  /// SVG elements (no `<svg>` root), every text already escaped.
  public let body: String
  public let width: Double
  public let height: Double
}

extension Chart {
  /// A standalone SVG document of this chart that renders in a browser.
  public func svg() -> String {
    let chart = rendered()
    return SVGWriter.document(width: chart.width, height: chart.height, title: title, body: chart.body)
  }
}

/// Several charts in one SVG document, one under the other.
public struct Figure: Sendable {
  /// The document's title (shown by browsers in the tab, not drawn).
  public var title: String
  /// The panels, top to bottom, already drawn.
  public var panels: [RenderedChart]

  /// A figure of `charts`, top to bottom.
  public init(title: String, charts: [any Chart]) {
    self.title = title
    panels = charts.map { $0.rendered() }
  }

  /// The SVG document.
  public func svg() -> String {
    var writer = SVGWriter()
    var y = 0.0
    for panel in panels {
      writer.group(["class": "panel", "transform": "translate(0 \(SVGWriter.number(y)))"]) { svg in
        svg.append(raw: panel.body)
      }
      y += panel.height
    }
    let width = panels.map(\.width).max() ?? 0
    return SVGWriter.document(width: width, height: y, title: title, body: writer.body)
  }
}
