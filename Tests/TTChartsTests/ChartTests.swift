import XCTest

@testable import TTCharts

final class ChartTests: XCTestCase {
  private let hostile = "a<b>&\"c\"'d'\u{1}]]>"

  func testBarChartIsWellFormedWithOneBarPerValueAndEveryLabel() throws {
    let chart = BarChart(
      title: "latency", categories: ["batch 1", "batch 64", "batch 256"],
      series: [.init("interpreter", [120, 900, 3000]), .init("compiled", [4, 60, 210])],
      valueAxis: Axis("median latency", unit: "µs"))
    let svg = try SVGStructure(chart.svg())
    XCTAssertEqual(svg.elements.first?.name, "svg")
    XCTAssertEqual(svg.elements("rect", class: "bar").count, 6)
    XCTAssertEqual(svg.elements("rect", class: "legend-swatch").count, 2)
    XCTAssertEqual(svg.elements("text", class: "category").map(\.text), ["batch 1", "batch 64", "batch 256"])
    XCTAssertTrue(svg.texts.contains("median latency (µs)"))
    XCTAssertTrue(svg.texts.contains("latency"))
    // Taller bars for larger values: the interpreter's batch-256 bar is the tallest.
    let heights = svg.elements("rect", class: "bar").map { Double($0.attributes["height"]!)! }
    XCTAssertEqual(heights.max(), heights[4])
    XCTAssertEqual(svg.elements("rect", class: "bar")[4].text, "batch 256, interpreter: 3000 µs")
  }

  func testNamesFromModelFilesAreEscaped() throws {
    var chart = BarChart(
      title: hostile, categories: [hostile], series: [.init(hostile, [1])],
      valueAxis: Axis(hostile, unit: hostile))
    chart.categoryAxisTitle = hostile
    let document = chart.svg()
    XCTAssertFalse(document.contains("a<b>"))
    XCTAssertFalse(document.contains("\u{1}"))
    let svg = try SVGStructure(document)
    let expected = "a<b>&\"c\"'d'\u{FFFD}]]>"
    XCTAssertEqual(svg.elements("text", class: "category").map(\.text), [expected])
    XCTAssertEqual(svg.elements("text", class: "legend-label").map(\.text), [expected])
    XCTAssertEqual(svg.elements("text", class: "chart-title").map(\.text), [expected])
    XCTAssertEqual(svg.elements("title").first?.text, expected)
  }

  func testMissingValuesDrawAMarkInsteadOfABar() throws {
    let chart = BarChart(
      title: "t", categories: ["ok", "failed", "zero"], series: [.init("s", [10, nil, 0])],
      valueAxis: Axis("latency", unit: "ms", scale: .logarithmic))
    let svg = try SVGStructure(chart.svg())
    XCTAssertEqual(svg.elements("rect", class: "bar").count, 1)
    XCTAssertEqual(svg.elements("text", class: "missing").count, 2)
    XCTAssertTrue(svg.texts.contains("latency (ms, log scale)"))
  }

  func testLogarithmicTicksArePowersOfTenCoveringTheValues() {
    let mapping = AxisMapping(scale: .logarithmic, values: [3e-6, 0.02], includeZero: true)
    XCTAssertEqual(mapping.lower, 1e-6, accuracy: 1e-18)
    XCTAssertEqual(mapping.upper, 0.1, accuracy: 1e-12)
    XCTAssertEqual(mapping.ticks.map(\.value).count, 6)
    XCTAssertEqual(mapping.fraction(1e-6)!, 0, accuracy: 1e-12)
    XCTAssertEqual(mapping.fraction(1e-1)!, 1, accuracy: 1e-12)
    XCTAssertNil(mapping.fraction(0))
    let narrow = AxisMapping(scale: .logarithmic, values: [2, 30], includeZero: false)
    XCTAssertEqual(narrow.ticks.map(\.label), ["1", "2", "5", "10", "20", "50", "100"])
  }

  func testLinearTicksAreRoundAndStartAtZeroForBars() {
    let mapping = AxisMapping(scale: .linear, values: [3, 47], includeZero: true)
    XCTAssertEqual(mapping.lower, 0)
    XCTAssertEqual(mapping.upper, 50)
    XCTAssertEqual(mapping.ticks.map(\.label), ["0", "10", "20", "30", "40", "50"])
    // Points get 5% of room on both sides (-0.35 ... 0.75), then round steps of 0.25.
    let negative = AxisMapping(scale: .linear, values: [-0.3, 0.7], includeZero: false)
    XCTAssertEqual(negative.ticks.first?.value ?? 0, -0.5, accuracy: 1e-12)
    XCTAssertEqual(negative.ticks.last?.value ?? 0, 0.75, accuracy: 1e-12)
  }

  func testTickLabelsAreShort() {
    XCTAssertEqual(TickLabel.format(25_000), "25k")
    XCTAssertEqual(TickLabel.format(3e6), "3M")
    XCTAssertEqual(TickLabel.format(1500), "1500")
    XCTAssertEqual(TickLabel.format(0.25), "0.25")
    XCTAssertEqual(TickLabel.format(12.3456), "12.35")
    XCTAssertEqual(TickLabel.format(1e-5), "1e-05")
  }

  func testScatterPlotDrawsLabelledPointsAndTheParetoFront() throws {
    let points = [
      ScatterPlot.Point(x: 100, y: 97, label: "fp32", series: "interpreted"),
      ScatterPlot.Point(x: 10, y: 96.5, label: "int8 <static>", series: "compiled"),
      ScatterPlot.Point(x: 20, y: 96, label: "fp16", series: "compiled"),
      ScatterPlot.Point(x: 5, y: 80, label: "pruned 80%", series: "compiled"),
    ]
    var plot = ScatterPlot(
      title: "accuracy vs latency", points: points, xAxis: Axis("latency", unit: "µs", scale: .logarithmic),
      yAxis: Axis("accuracy", unit: "%"))
    plot.front = ParetoFront.indices(of: points.map { ($0.x, $0.y) }, x: .lower, y: .higher)
    XCTAssertEqual(plot.front, [3, 1, 0])
    let svg = try SVGStructure(plot.svg())
    XCTAssertEqual(svg.elements("circle", class: "point").count, 4)
    XCTAssertEqual(
      svg.elements("text", class: "point-label").map(\.text), ["fp32", "int8 <static>", "fp16", "pruned 80%"])
    XCTAssertEqual(
      svg.elements("text", class: "legend-label").map(\.text), ["interpreted", "compiled", "Pareto front"])
    let line = try XCTUnwrap(svg.elements("polyline", class: "front").first)
    XCTAssertEqual(line.attributes["points"]?.split(separator: " ").count, 3)
    XCTAssertTrue(svg.texts.contains("latency (µs, log scale)"))
  }

  func testScatterPlotLabelsOfNearbyPointsDoNotOverlap() throws {
    // Olympics-like data: several configurations within a few per cent of each other.
    let names = ["fp32", "fp16", "int8 static", "pruned 50%", "pruned 50% + int8", "low-rank"]
    let points =
      names.enumerated().map { index, name in
        ScatterPlot.Point(x: 10 + 0.2 * Double(index), y: 97 - 0.05 * Double(index), label: name)
      } + [ScatterPlot.Point(x: 1, y: 90, label: "distilled")]
    let plot = ScatterPlot(
      title: "crowded", points: points, xAxis: Axis("latency", scale: .logarithmic), yAxis: Axis("accuracy"))
    let labels = try SVGStructure(plot.svg()).elements("text", class: "point-label")
    XCTAssertEqual(labels.map(\.text), names + ["distilled"])
    let boxes = try labels.map { label -> (minX: Double, minY: Double, maxX: Double, maxY: Double) in
      let x = try XCTUnwrap(Double(label.attributes["x"] ?? ""))
      let y = try XCTUnwrap(Double(label.attributes["y"] ?? ""))
      let width = Double(label.text.count) * 6
      let minX =
        switch label.attributes["text-anchor"] {
        case "end": x - width
        case "middle": x - width / 2
        default: x
        }
      return (minX, y - 8, minX + width, y + 2.5)
    }
    for i in boxes.indices {
      for j in boxes.indices where j > i {
        let overlaps =
          boxes[i].minX < boxes[j].maxX && boxes[j].minX < boxes[i].maxX && boxes[i].minY < boxes[j].maxY
          && boxes[j].minY < boxes[i].maxY
        XCTAssertFalse(overlaps, "labels '\(labels[i].text)' and '\(labels[j].text)' overlap")
      }
    }
  }

  func testParetoFrontHandlesTiesAndNonFinitePoints() {
    let points: [(x: Double, y: Double)] = [(1, 1), (1, 2), (2, 2), (.nan, 0), (0.5, 3)]
    XCTAssertEqual(ParetoFront.indices(of: points, x: .lower, y: .lower), [4, 0])
    XCTAssertEqual(ParetoFront.indices(of: points, x: .higher, y: .higher), [4, 2])
    XCTAssertEqual(ParetoFront.indices(of: [], x: .lower, y: .lower), [])
  }

  func testFigureStacksPanelsInOneDocument() throws {
    let bars = BarChart(title: "one", categories: ["a"], series: [.init("s", [1])], valueAxis: Axis("v"))
    let scatter = ScatterPlot(
      title: "two", points: [.init(x: 1, y: 1, label: "p")], xAxis: Axis("x"), yAxis: Axis("y"))
    let figure = Figure(title: "both", charts: [bars, scatter])
    let svg = try SVGStructure(figure.svg())
    XCTAssertEqual(svg.elements("g", class: "panel").count, 2)
    XCTAssertEqual(svg.elements("text", class: "chart-title").map(\.text), ["one", "two"])
    let height = Double(svg.elements.first!.attributes["height"]!)!
    XCTAssertEqual(height, figure.panels.map(\.height).reduce(0, +), accuracy: 0.01)
  }
}
