/// A text label's place: its anchor point and SVG `text-anchor`.
struct PlacedLabel {
  /// Which end of the text sits at the anchor point (SVG `text-anchor`).
  enum Anchor: String {
    case start, middle, end
  }

  var x: Double
  var y: Double
  var anchor: Anchor
}

/// Places point labels one after another so that each avoids the points and the labels placed
/// before it: it tries spots around its point (right, left, above, below, then one line further
/// out each time, four lines at most) and takes the first free one inside the bounds, else the
/// one that overlaps least.
///
/// Charts label a handful of points, so each placement checks every box placed so far
/// (quadratic in the number of labels).
struct LabelPlacer {
  /// An axis-aligned rectangle in SVG coordinates (y grows downwards).
  struct Box {
    var minX, minY, maxX, maxY: Double

    func overlap(with other: Box) -> Double {
      let width = min(maxX, other.maxX) - max(minX, other.minX)
      let height = min(maxY, other.maxY) - max(minY, other.minY)
      return width > 0 && height > 0 ? width * height : 0
    }

    /// The area of this box that lies outside `bounds`.
    func outside(of bounds: Box) -> Double {
      (maxX - minX) * (maxY - minY) - overlap(with: bounds)
    }
  }

  let fontSize: Double
  let bounds: Box
  private var occupied: [Box]

  /// - Parameters:
  ///   - points: the marker centres, which labels must not cover.
  ///   - radius: the markers' radius.
  ///   - bounds: where labels may go.
  init(points: [(x: Double, y: Double)], radius: Double, bounds: Box, fontSize: Double) {
    self.fontSize = fontSize
    self.bounds = bounds
    occupied = points.map {
      Box(minX: $0.x - radius, minY: $0.y - radius, maxX: $0.x + radius, maxY: $0.y + radius)
    }
  }

  /// The place for `text` next to the point (`x`, `y`); the label's box is then occupied.
  mutating func place(_ text: String, nextTo x: Double, _ y: Double) -> PlacedLabel {
    let width = textWidth(text, fontSize: fontSize)
    let (ascent, descent) = (fontSize * 0.8, fontSize * 0.25)
    let gap = 6.0
    // Right and left of the point, above and below, then the same one line further out each time.
    let candidates = (0..<4).flatMap { ring -> [PlacedLabel] in
      let shift = Double(ring) * fontSize * 1.2
      let (above, below) = (y - gap - shift, y + gap + ascent + shift)
      return [
        PlacedLabel(x: x + gap, y: above, anchor: .start),
        PlacedLabel(x: x + gap, y: below, anchor: .start),
        PlacedLabel(x: x - gap, y: above, anchor: .end), PlacedLabel(x: x - gap, y: below, anchor: .end),
        PlacedLabel(x: x, y: above - descent - 2, anchor: .middle),
        PlacedLabel(x: x, y: below + 2, anchor: .middle),
      ]
    }
    func box(_ label: PlacedLabel) -> Box {
      let minX =
        switch label.anchor {
        case .start: label.x
        case .middle: label.x - width / 2
        case .end: label.x - width
        }
      return Box(minX: minX, minY: label.y - ascent, maxX: minX + width, maxY: label.y + descent)
    }
    func cost(_ label: PlacedLabel) -> Double {
      let candidate = box(label)
      return occupied.reduce(candidate.outside(of: bounds)) { $0 + candidate.overlap(with: $1) }
    }
    var best = candidates[0]
    var bestCost = Double.infinity
    for candidate in candidates {
      let candidateCost = cost(candidate)
      if candidateCost < bestCost { (best, bestCost) = (candidate, candidateCost) }
      if candidateCost == 0 { break }
    }
    occupied.append(box(best))
    return best
  }
}
