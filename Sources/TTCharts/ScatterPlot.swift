import Foundation

/// A scatter plot of labelled points, coloured by series, optionally with a front (e.g. a Pareto
/// front) drawn as a line through some of them. Labels are placed around their points so that
/// they avoid the points and each other where the chart has room (`LabelPlacer`).
///
/// ```swift
/// var plot = ScatterPlot(
///   title: "accuracy vs latency", points: points,
///   xAxis: Axis("latency", unit: "µs", scale: .logarithmic), yAxis: Axis("accuracy", unit: "%"))
/// plot.front = ParetoFront.indices(of: points.map { ($0.x, $0.y) }, x: .lower, y: .higher)
/// ```
public struct ScatterPlot: Chart, Sendable {
  /// One point, with the label drawn next to it.
  public struct Point: Sendable {
    public var x: Double
    public var y: Double
    public var label: String
    /// The legend entry (and colour) of the point; nil for the first colour and no legend entry.
    public var series: String?

    public init(x: Double, y: Double, label: String, series: String? = nil) {
      self.x = x
      self.y = y
      self.label = label
      self.series = series
    }
  }

  public var title: String
  public var points: [Point]
  public var xAxis: Axis
  public var yAxis: Axis
  /// Indices into `points` joined by a line in order of x (empty: no line).
  public var front: [Int] = []
  /// The legend name of the front line.
  public var frontName = "Pareto front"
  /// The plot area's size in pixels (the chart adds room for title, legend and axes).
  public var plotWidth = 560.0
  public var plotHeight = 340.0

  public init(title: String, points: [Point], xAxis: Axis, yAxis: Axis) {
    self.title = title
    self.points = points
    self.xAxis = xAxis
    self.yAxis = yAxis
  }

  public func rendered() -> RenderedChart {
    var seriesNames: [String] = []
    for point in points {
      if let name = point.series, !seriesNames.contains(name) { seriesNames.append(name) }
    }
    let xMapping = AxisMapping(scale: xAxis.scale, values: points.map(\.x), includeZero: false)
    let yMapping = AxisMapping(scale: yAxis.scale, values: points.map(\.y), includeZero: false)
    let left = 80.0
    // Labels to the right of the rightmost points need room too.
    let width = left + plotWidth + 140
    var svg = SVGWriter()
    let legend = seriesNames + (front.isEmpty ? [] : [frontName])
    let top = drawHeader(title: title, legend: legend, width: width, into: &svg) + 8
    let area = PlotArea(left: left, top: top, width: plotWidth, height: plotHeight)
    area.drawVerticalAxis(yAxis, yMapping, into: &svg)
    area.drawHorizontalAxis(xAxis, xMapping, into: &svg)
    func position(_ point: Point) -> (x: Double, y: Double)? {
      guard let fx = xMapping.fraction(point.x), let fy = yMapping.fraction(point.y) else { return nil }
      return (area.left + fx * area.width, area.bottom - fy * area.height)
    }
    let onFront = front.filter { points.indices.contains($0) }.compactMap { index in
      position(points[index]).map { (points[index].x, $0) }
    }.sorted { $0.0 < $1.0 }
    if onFront.count > 1 {
      let path = onFront.map { "\(SVGWriter.number($0.1.x)),\(SVGWriter.number($0.1.y))" }.joined(
        separator: " ")
      let colour = seriesPalette[seriesNames.count % seriesPalette.count]
      svg.element(
        "polyline",
        [
          "class": "front", "points": path, "fill": "none", "stroke": colour, "stroke-width": "2",
          "stroke-dasharray": "6 3",
        ])
    }
    let placed = points.compactMap { point in position(point).map { (point, $0) } }
    var labels = LabelPlacer(
      points: placed.map(\.1), radius: 4,
      bounds: .init(minX: 0, minY: top, maxX: width, maxY: area.bottom), fontSize: 10)
    svg.group(["class": "points"]) { svg in
      for (point, (x, y)) in placed {
        let colourIndex = point.series.flatMap { seriesNames.firstIndex(of: $0) } ?? 0
        svg.element(
          "circle",
          [
            "class": "point", "cx": SVGWriter.number(x), "cy": SVGWriter.number(y), "r": "4",
            "fill": seriesPalette[colourIndex % seriesPalette.count],
          ],
          tooltip: "\(point.label): \(TickLabel.format(point.x)), \(TickLabel.format(point.y))")
        let text = BarChart.shortened(point.label)
        let label = labels.place(text, nextTo: x, y)
        svg.text(
          text,
          [
            "class": "point-label", "x": SVGWriter.number(label.x), "y": SVGWriter.number(label.y),
            "text-anchor": label.anchor.rawValue, "font-size": "10",
          ])
      }
    }
    return RenderedChart(body: svg.body, width: width, height: area.bottom + 48)
  }
}

/// The points no other point beats on both coordinates.
public enum ParetoFront {
  /// Which end of a coordinate is better.
  public enum Preference: Sendable {
    case lower, higher
  }

  /// Indices of the points of `points` that no other point dominates (at least as good in both
  /// coordinates and better in one), sorted by x; non-finite points are never on it.
  /// O(n log n).
  public static func indices(of points: [(x: Double, y: Double)], x: Preference, y: Preference) -> [Int] {
    // Orient both coordinates so that lower is better, then sweep by x keeping the best y so far.
    let oriented = points.enumerated().compactMap { index, point -> (Int, Double, Double)? in
      guard point.x.isFinite, point.y.isFinite else { return nil }
      return (index, x == .lower ? point.x : -point.x, y == .lower ? point.y : -point.y)
    }.sorted { ($0.1, $0.2) < ($1.1, $1.2) }
    var front: [Int] = []
    var bestY = Double.infinity
    for (index, _, pointY) in oriented where pointY < bestY {
      front.append(index)
      bestY = pointY
    }
    return front.sorted { points[$0].x < points[$1].x }
  }
}
