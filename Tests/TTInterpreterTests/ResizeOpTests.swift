import TTIR
import TTInterpreter
import XCTest

/// `resize` in the interpreter against values worked out by hand (PyTorch's
/// `interpolate(mode="bilinear", align_corners=False)` gives the same).
final class ResizeOpTests: XCTestCase {
  private func resize(_ values: [Float], _ shape: [Int], _ attributes: [String: AttributeValue]) throws
    -> [Float]
  {
    var builder = GraphBuilder(name: "resize")
    builder.input("x", .f32, shape)
    builder.output(builder.add(.resize, ["x"], attributes: attributes, name: "y"))
    return try Interpreter(graph: builder.build()).run(["x": InterpreterTensor(values, shape: shape)])["y"]!
      .floats()
  }

  func testBilinearHalfPixelUpsampling() throws {
    let y = try resize(
      [1, 2, 3, 4], [1, 1, 2, 2],
      ["sizes": [1, 1, 4, 4], "scales": .floats([1.0, 1.0, 2.0, 2.0]), "mode": "linear"])
    XCTAssertEqual(
      y, [1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4])
  }

  func testNearestCopiesElements() throws {
    let y = try resize(
      [1, 2, 3, 4, 5, 6], [2, 3],
      [
        "sizes": [1, 6], "scales": .floats([0.5, 2.0]), "coordinate_transformation_mode": "asymmetric",
        "nearest_mode": "floor",
      ])
    XCTAssertEqual(y, [1, 1, 2, 2, 3, 3])
  }
}
