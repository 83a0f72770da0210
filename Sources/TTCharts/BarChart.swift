import Foundation

/// A grouped bar chart: one group of bars per category along the horizontal axis, one bar per
/// series in each group (coloured by series, named in the legend), heights on a linear or
/// logarithmic value axis with ticks, grid lines and a titled unit.
///
/// ```swift
/// let chart = BarChart(
///   title: "digits-mlp latency", categories: ["batch 1", "batch 64"],
///   series: [.init("interpreter", [120, 900]), .init("compiled", [4, 60])],
///   valueAxis: Axis("median latency", unit: "µs", scale: .logarithmic))
/// try chart.svg().write(toFile: "bench.svg", atomically: true, encoding: .utf8)
/// ```
///
/// A missing value (nil, not finite, or ≤ 0 on a logarithmic axis) draws no bar but a grey `×`
/// on the baseline, so a failed measurement stays visible.
public struct BarChart: Chart, Sendable {
  /// One named row of values, one per category.
  public struct Series: Sendable {
    public var name: String
    /// One value per category; nil where there is none.
    public var values: [Double?]

    public init(_ name: String, _ values: [Double?]) {
      self.name = name
      self.values = values
    }
  }

  public var title: String
  /// The group labels along the horizontal axis.
  public var categories: [String]
  public var series: [Series]
  public var valueAxis: Axis
  /// An optional title under the category labels.
  public var categoryAxisTitle: String?
  /// Writes each bar's value over it when it fits.
  public var showsValues = true
  /// The height of the plot area in pixels (the whole chart is taller by its title, legend and
  /// labels).
  public var plotHeight = 300.0
  /// The width of one bar in pixels; the chart is as wide as its bars and titles need (its plot
  /// area at least 400).
  public var barWidth = 22.0

  public init(
    title: String, categories: [String], series: [Series], valueAxis: Axis, categoryAxisTitle: String? = nil
  ) {
    self.title = title
    self.categories = categories
    self.series = series
    self.valueAxis = valueAxis
    self.categoryAxisTitle = categoryAxisTitle
  }

  public func rendered() -> RenderedChart {
    let mapping = AxisMapping(
      scale: valueAxis.scale, values: series.flatMap { $0.values.compactMap { $0 } }, includeZero: true)
    // Each category gets a slot of its bars plus one bar width of gap; slots widen to fill a
    // plot area at least 400 pixels wide.
    let barsWidth = Double(max(series.count, 1)) * barWidth
    // Wide enough for the title and the axis title too.
    let titleWidth =
      max(textWidth(title, fontSize: 15) * 1.1, textWidth(categoryAxisTitle ?? "", fontSize: 12)) + 40
    let plotWidth = max(400, Double(categories.count) * (barsWidth + barWidth), titleWidth - 104)
    let slot = plotWidth / Double(max(categories.count, 1))
    let labels = categories.map(BarChart.shortened)
    let widestLabel = labels.map { textWidth($0, fontSize: 12) }.max() ?? 0
    let rotated = widestLabel > slot - 4
    // Rotated labels end under their slot's centre and reach left by cos(40°) ≈ 0.77 of their width.
    let left = max(80, rotated ? widestLabel * 0.77 - slot / 2 + 8 : 0)
    let width = left + plotWidth + 24
    // Rotated labels hang at 40°: sin(40°) ≈ 0.64 of their width below the axis.
    let labelHeight = rotated ? widestLabel * 0.65 + 20 : 24
    var svg = SVGWriter()
    let top = drawHeader(title: title, legend: series.map(\.name), width: width, into: &svg) + 8
    let area = PlotArea(left: left, top: top, width: plotWidth, height: plotHeight)
    area.drawVerticalAxis(valueAxis, mapping, into: &svg)
    let baseline = area.bottom - (mapping.scale == .linear ? (mapping.fraction(0) ?? 0) * area.height : 0)
    svg.group(["class": "bars"]) { svg in
      for (index, category) in categories.enumerated() {
        let centre = area.left + (Double(index) + 0.5) * slot
        let groupLeft = centre - barsWidth / 2
        for (seriesIndex, series) in series.enumerated() {
          let value = index < series.values.count ? series.values[index] : nil
          let x = groupLeft + Double(seriesIndex) * barWidth
          drawBar(
            value, at: x, baseline: baseline, area: area, mapping: mapping,
            tooltip: "\(category), \(series.name)", colour: seriesPalette[seriesIndex % seriesPalette.count],
            into: &svg)
        }
        drawCategoryLabel(labels[index], centre: centre, y: area.bottom, rotated: rotated, into: &svg)
      }
    }
    area.drawBaseline(into: &svg)
    var height = area.bottom + labelHeight
    if let categoryAxisTitle {
      svg.text(
        categoryAxisTitle,
        [
          "class": "axis-title", "x": SVGWriter.number(area.left + area.width / 2),
          "y": SVGWriter.number(height + 4),
          "text-anchor": "middle",
        ])
      height += 16
    }
    return RenderedChart(body: svg.body, width: width, height: height + 8)
  }

  private func drawBar(
    _ value: Double?, at x: Double, baseline: Double, area: PlotArea, mapping: AxisMapping, tooltip: String,
    colour: String, into svg: inout SVGWriter
  ) {
    guard let value, let fraction = mapping.fraction(value) else {
      svg.text(
        "×",
        [
          "class": "missing", "x": SVGWriter.number(x + barWidth * 0.45), "y": SVGWriter.number(baseline - 4),
          "text-anchor": "middle", "fill": "#999",
        ])
      return
    }
    let end = area.bottom - fraction * area.height
    let label = TickLabel.format(value)
    svg.element(
      "rect",
      [
        "class": "bar", "x": SVGWriter.number(x), "y": SVGWriter.number(min(end, baseline)),
        "width": SVGWriter.number(barWidth * 0.9), "height": SVGWriter.number(abs(baseline - end)),
        "fill": colour,
      ],
      tooltip: "\(tooltip): \(label)\(valueAxis.unit.map { " \($0)" } ?? "")")
    if showsValues, textWidth(label, fontSize: 9) <= barWidth * 1.6 {
      svg.text(
        label,
        [
          "class": "value", "x": SVGWriter.number(x + barWidth * 0.45),
          "y": SVGWriter.number(min(end, baseline) - 3),
          "text-anchor": "middle", "font-size": "9", "fill": "#333",
        ])
    }
  }

  /// Category labels longer than 32 characters are cut (the bars' tooltips keep the full name).
  static func shortened(_ label: String) -> String {
    label.count > 32 ? label.prefix(31) + "…" : label
  }

  private func drawCategoryLabel(
    _ label: String, centre: Double, y: Double, rotated: Bool, into svg: inout SVGWriter
  ) {
    let x = SVGWriter.number(centre)
    if rotated {
      let y = SVGWriter.number(y + 12)
      svg.text(
        label,
        ["class": "category", "x": x, "y": y, "text-anchor": "end", "transform": "rotate(-40 \(x) \(y))"])
    } else {
      svg.text(label, ["class": "category", "x": x, "y": SVGWriter.number(y + 16), "text-anchor": "middle"])
    }
  }
}
