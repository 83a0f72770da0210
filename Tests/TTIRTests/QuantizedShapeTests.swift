import XCTest

@testable import TTIR

/// Shape and dtype rules of `quantized_linear`, and the verifier's check of its weight values.
final class QuantizedShapeTests: XCTestCase {
  private let weight = t(.i8, 3, 4)
  private let scales = t(.f32, 3)
  private let staticInput: [String: AttributeValue] = ["x_scale": 0.1, "x_zero_point": -3]

  func testOutputTypeFollowsInputAndOutScale() throws {
    XCTAssertEqual(try infer(.quantizedLinear, [t(.f32, 2, 5, 4), weight, scales]), t(.f32, 2, 5, 3))
    XCTAssertEqual(
      try infer(.quantizedLinear, [t(.i8, 2, 4), weight, scales, scales], staticInput), t(.f32, 2, 3))
    var requantized = staticInput
    requantized["out_scale"] = 0.2
    XCTAssertEqual(try infer(.quantizedLinear, [t(.i8, 2, 4), weight, scales], requantized), t(.i8, 2, 3))
  }

  /// A `quantized_conv2d` weight with a kernel of size 0 is refused (issue 13), as for `conv2d`.
  func testConvolutionKernelOfSizeZeroIsRefused() {
    assertThrows("node 'n' (quantized_conv2d): kernel [3, 0] of weight [2, 1, 3, 0] must be at least 1×1") {
      _ = try infer(.quantizedConv2d, [t(.f32, 1, 1, 5, 5), t(.i8, 2, 1, 3, 0), t(.f32, 2)])
    }
  }

  func testErrorsNameTheProblem() {
    assertThrows("node 'n' (quantized_linear): an i8 x needs the attributes x_scale and x_zero_point") {
      _ = try infer(.quantizedLinear, [t(.i8, 2, 4), weight, scales])
    }
    assertThrows("an f32 x is quantized at run time: x_scale and x_zero_point must be absent") {
      _ = try infer(.quantizedLinear, [t(.f32, 2, 4), weight, scales], staticInput)
    }
    assertThrows("weight must be i8, got f32") {
      _ = try infer(.quantizedLinear, [t(.f32, 2, 4), t(.f32, 3, 4), scales])
    }
    assertThrows("input features 5 do not match weight [out, in] = [3, 4]") {
      _ = try infer(.quantizedLinear, [t(.f32, 2, 5), weight, scales])
    }
    assertThrows("weight_scale must have shape [3] ([out])") {
      _ = try infer(.quantizedLinear, [t(.f32, 2, 4), weight, t(.f32, 4)])
    }
    assertThrows("x_zero_point must be within -128...127") {
      _ = try infer(.quantizedLinear, [t(.i8, 2, 4), weight, scales], ["x_scale": 0.1, "x_zero_point": 200])
    }
    assertThrows("out_scale must be positive and finite, got 0.0") {
      _ = try infer(.quantizedLinear, [t(.f32, 2, 4), weight, scales], ["out_scale": 0])
    }
  }

  func testVerifierRefusesMinus128AndComputedWeights() throws {
    var b = GraphBuilder(name: "q")
    let x = b.input("x", .f32, [1, 2])
    let w = b.weight("w", TensorData(int8s: [1, -128], shape: [1, 2]))
    let s = b.weight("s", TensorData([0.5], shape: [1]))
    b.output(b.add(.quantizedLinear, [x, w, s], name: "fc"))
    assertThrows(
      "node 'fc' (quantized_linear): weight 'w' holds -128 at element 1; int8 weights lie in -127...127"
    ) {
      _ = try b.build()
    }
    var c = GraphBuilder(name: "q")
    let input = c.input("x", .f32, [1, 2])
    let computed = c.add(
      .quantizeLinear, [c.input("w", .f32, [1, 2])], attributes: ["scale": 1, "zero_point": 0])
    c.output(
      c.add(.quantizedLinear, [input, computed, c.weight("s", TensorData([0.5], shape: [1]))], name: "fc"))
    assertThrows("weight 'quantize_linear_0' must be a stored weight, not a computed value") {
      _ = try c.build()
    }
  }
}
