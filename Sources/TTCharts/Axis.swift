/// What an axis shows: its title, the unit of its values and its scale.
public struct Axis: Sendable {
  /// The quantity, e.g. `latency`.
  public var title: String
  /// The unit of the values, e.g. `µs` (shown as `latency (µs)`); nil for plain numbers.
  public var unit: String?
  /// Linear or logarithmic.
  public var scale: Scale

  /// An axis titled `title` whose values are in `unit`.
  public init(_ title: String, unit: String? = nil, scale: Scale = .linear) {
    self.title = title
    self.unit = unit
    self.scale = scale
  }

  /// `title (unit)`, with `, log scale` when logarithmic.
  var label: String {
    var parts: [String] = []
    if let unit, !unit.isEmpty { parts.append(unit) }
    if scale == .logarithmic { parts.append("log scale") }
    return parts.isEmpty ? title : "\(title) (\(parts.joined(separator: ", ")))"
  }
}

/// The rectangle inside a chart where the data goes, in pixels.
struct PlotArea {
  let left: Double
  let top: Double
  let width: Double
  let height: Double

  var right: Double { left + width }
  var bottom: Double { top + height }

  /// Draws horizontal grid lines, tick labels and the title of a vertical value axis.
  func drawVerticalAxis(_ axis: Axis, _ mapping: AxisMapping, into svg: inout SVGWriter) {
    svg.group(["class": "y-axis"]) { svg in
      for tick in mapping.ticks {
        guard let fraction = mapping.fraction(tick.value) else { continue }
        let y = SVGWriter.number(bottom - fraction * height)
        svg.element(
          "line",
          [
            "class": "grid", "x1": SVGWriter.number(left), "y1": y, "x2": SVGWriter.number(right), "y2": y,
            "stroke": "#e0e0e0",
          ])
        svg.text(
          tick.label,
          [
            "class": "tick", "x": SVGWriter.number(left - 6), "y": y, "text-anchor": "end",
            "dominant-baseline": "middle",
          ])
      }
      svg.element(
        "line",
        [
          "x1": SVGWriter.number(left), "y1": SVGWriter.number(top), "x2": SVGWriter.number(left),
          "y2": SVGWriter.number(bottom), "stroke": "#333",
        ])
      let x = SVGWriter.number(left - 52)
      let y = SVGWriter.number(top + height / 2)
      svg.text(
        axis.label,
        [
          "class": "axis-title", "x": x, "y": y, "text-anchor": "middle",
          "transform": "rotate(-90 \(x) \(y))",
        ])
    }
  }

  /// Draws vertical grid lines, tick labels and the title of a horizontal value axis.
  func drawHorizontalAxis(_ axis: Axis, _ mapping: AxisMapping, into svg: inout SVGWriter) {
    svg.group(["class": "x-axis"]) { svg in
      for tick in mapping.ticks {
        guard let fraction = mapping.fraction(tick.value) else { continue }
        let x = SVGWriter.number(left + fraction * width)
        svg.element(
          "line",
          [
            "class": "grid", "x1": x, "y1": SVGWriter.number(top), "x2": x, "y2": SVGWriter.number(bottom),
            "stroke": "#e0e0e0",
          ])
        svg.text(
          tick.label, ["class": "tick", "x": x, "y": SVGWriter.number(bottom + 16), "text-anchor": "middle"])
      }
      drawBaseline(into: &svg)
      svg.text(
        axis.label,
        [
          "class": "axis-title", "x": SVGWriter.number(left + width / 2), "y": SVGWriter.number(bottom + 36),
          "text-anchor": "middle",
        ])
    }
  }

  /// The line along the bottom of the area.
  func drawBaseline(into svg: inout SVGWriter) {
    svg.element(
      "line",
      [
        "x1": SVGWriter.number(left), "y1": SVGWriter.number(bottom), "x2": SVGWriter.number(right),
        "y2": SVGWriter.number(bottom), "stroke": "#333",
      ])
  }
}

/// Draws a chart title centred over `width` and a legend row of coloured squares under it;
/// returns the height used.
func drawHeader(title: String, legend: [String], width: Double, into svg: inout SVGWriter) -> Double {
  svg.text(
    title,
    [
      "class": "chart-title", "x": SVGWriter.number(width / 2), "y": "22", "text-anchor": "middle",
      "font-size": "15", "font-weight": "bold",
    ])
  guard !legend.isEmpty else { return 36 }
  var x = 16.0
  var y = 40.0
  svg.group(["class": "legend"]) { svg in
    for (index, name) in legend.enumerated() {
      let entryWidth = 18 + textWidth(name, fontSize: 12) + 16
      if x + entryWidth > width - 8, x > 16 {
        x = 16
        y += 18
      }
      svg.element(
        "rect",
        [
          "class": "legend-swatch", "x": SVGWriter.number(x), "y": SVGWriter.number(y - 10), "width": "12",
          "height": "12", "fill": seriesPalette[index % seriesPalette.count],
        ])
      svg.text(name, ["class": "legend-label", "x": SVGWriter.number(x + 17), "y": SVGWriter.number(y)])
      x += entryWidth
    }
  }
  return y + 14
}
