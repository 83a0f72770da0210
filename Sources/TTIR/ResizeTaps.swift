/// Where each output position of a `resize` reads its input, one axis at a time: the two input
/// indices it blends and the weight of the second (docs/IR.md, `resize`).
///
/// The interpreter and the C backend both resample from these taps, so they read the same
/// elements with the same weights: output element `y[j₀, j₁, …]` is
/// `Σ over corners Π_axis (corner bit ? weight : 1 − weight) · x[first or second, …]`, where
/// only axes with a nonzero weight somewhere take part in the corners (nearest mode has none).
public struct ResizeTaps: Hashable, Sendable {
  /// How output positions read the input.
  public enum Mode: String, CaseIterable, Sendable {
    /// The nearest input element (rounded by ``NearestRounding``).
    case nearest
    /// Linear interpolation between the two neighbouring input elements of each axis.
    case linear

    /// The spellings of the attribute.
    public static let names = allCases.map(\.rawValue)
  }

  /// How output position `j` maps to an input coordinate (ONNX's coordinate transformations).
  public enum CoordinateTransform: String, CaseIterable, Sendable {
    /// `(j + 0.5) / scale − 0.5`.
    case halfPixel = "half_pixel"
    /// `half_pixel`, but 0 when the resized length `in · scale` is at most 1 (PyTorch).
    case pytorchHalfPixel = "pytorch_half_pixel"
    /// `j · (in − 1) / (in · scale − 1)` (0 when `in · scale` is at most 1).
    case alignCorners = "align_corners"
    /// `j / scale`.
    case asymmetric

    /// The spellings of the attribute.
    public static let names = allCases.map(\.rawValue)
  }

  /// How nearest mode rounds a coordinate to an index.
  public enum NearestRounding: String, CaseIterable, Sendable {
    /// Round half down.
    case roundPreferFloor = "round_prefer_floor"
    /// Round half up.
    case roundPreferCeil = "round_prefer_ceil"
    /// Round down.
    case floor
    /// Round up.
    case ceil

    /// The spellings of the attribute.
    public static let names = allCases.map(\.rawValue)
  }

  /// The first input index of each output position.
  public let first: [Int]
  /// The second input index of each output position (equal to ``first`` in nearest mode).
  public let second: [Int]
  /// The weight of ``second`` (`0` in nearest mode).
  public let weights: [Float]

  /// Whether some output position blends two input elements.
  public var interpolates: Bool { weights.contains { $0 != 0 } }

  /// The taps of each axis of resize `node` on input `shape` (the attributes are verified).
  public static func axes(of node: Node, input shape: [Int]) -> [ResizeTaps] {
    let sizes = node.ints("sizes") ?? shape
    let scales = node.floats("scales") ?? []
    let mode = Mode(rawValue: node.string("mode") ?? "") ?? .nearest
    let transform =
      CoordinateTransform(rawValue: node.string("coordinate_transformation_mode") ?? "") ?? .halfPixel
    let rounding = NearestRounding(rawValue: node.string("nearest_mode") ?? "") ?? .roundPreferFloor
    return shape.indices.map { axis in
      ResizeTaps(
        input: shape[axis], output: sizes[axis], scale: Float(scales[axis]), mode: mode, transform: transform,
        rounding: rounding)
    }
  }

  /// The taps of one axis of `input` elements resampled to `output` with `scale`. Coordinates
  /// are computed in `Float`, as ONNX runtimes do; indices are clamped to the axis (edge values
  /// repeat outside it).
  public init(
    input: Int, output: Int, scale: Float, mode: Mode, transform: CoordinateTransform,
    rounding: NearestRounding
  ) {
    var first: [Int] = []
    var second: [Int] = []
    var weights: [Float] = []
    first.reserveCapacity(output)
    second.reserveCapacity(output)
    weights.reserveCapacity(output)
    func clamped(_ index: Float) -> Int { Int(Swift.min(Swift.max(index, 0), Float(input - 1))) }
    // ONNX's resized length is `in · scale` (not floored), which matters where it is not whole.
    let resized = Float(input) * scale
    for j in 0..<output {
      let position = Float(j)
      let coordinate: Float =
        switch transform {
        case .halfPixel: (position + 0.5) / scale - 0.5
        case .pytorchHalfPixel: resized > 1 ? (position + 0.5) / scale - 0.5 : 0
        case .alignCorners: resized > 1 ? position * Float(input - 1) / (resized - 1) : 0
        case .asymmetric: position / scale
        }
      let below = coordinate.rounded(.down)
      switch mode {
      case .nearest:
        let isHalf = coordinate - below == 0.5
        let rounded: Float =
          switch rounding {
          case .roundPreferFloor: isHalf ? below : coordinate.rounded()
          case .roundPreferCeil: isHalf ? below + 1 : coordinate.rounded()
          case .floor: below
          case .ceil: coordinate.rounded(.up)
          }
        first.append(clamped(rounded))
        second.append(clamped(rounded))
        weights.append(0)
      case .linear:
        // Outside the axis both taps clamp to the same edge element, which then gets all weight.
        first.append(clamped(below))
        second.append(clamped(below + 1))
        weights.append(first.last == second.last ? 0 : coordinate - below)
      }
    }
    (self.first, self.second, self.weights) = (first, second, weights)
  }
}
