import XCTest

@testable import TinyTorch

/// Seeded test inputs. Every helper returns a fresh tensor that requires grad unless told not to.
enum TestTensors {
  /// Uniform values in `[low, high)`.
  static func uniform(
    _ shape: [Int], seed: UInt64, low: Float = -1, high: Float = 1, requiresGrad: Bool = true
  ) -> Tensor {
    Tensor.uniform(shape, low: low, high: high, seed: seed, requiresGrad: requiresGrad)
  }

  /// Values whose magnitude lies in `[margin, margin + 1)` with random signs, so that functions
  /// with a kink at 0 (relu, abs, leaky relu) are smooth within a finite-difference step.
  static func awayFromZero(
    _ shape: [Int], seed: UInt64, margin: Float = 0.05, requiresGrad: Bool = true
  ) -> Tensor {
    var generator = RandomGenerator(seed: seed)
    let values = (0..<shape.reduce(1, *)).map { _ -> Float in
      let magnitude = margin + generator.nextUniform()
      return generator.nextUniform() < 0.5 ? -magnitude : magnitude
    }
    return try! Tensor(shape: shape, scalars: values, requiresGrad: requiresGrad)
  }

  /// Distinct values (a shuffled, jittered grid with gaps of at least `gap`), so that max/min
  /// have no ties and maximum/minimum of two such tensors stay apart.
  static func distinct(
    _ shape: [Int], seed: UInt64, gap: Float = 0.05, offset: Float = 0, requiresGrad: Bool = true
  ) -> Tensor {
    var generator = RandomGenerator(seed: seed)
    let n = shape.reduce(1, *)
    var values = (0..<n).map { offset + Float($0) * 2 * gap - Float(n) * gap }
    values.shuffle(using: &generator)
    return try! Tensor(shape: shape, scalars: values, requiresGrad: requiresGrad)
  }

  /// Random whole-number class indices in `0..<bound`, as a float tensor.
  static func indices(_ count: Int, bound: Int, seed: UInt64) -> Tensor {
    var generator = RandomGenerator(seed: seed)
    return Tensor((0..<count).map { _ in Float(Int.random(in: 0..<bound, using: &generator)) })
  }
}

/// Asserts shape and values of `tensor` (absolute tolerance `accuracy`).
func assertValues(
  _ tensor: Tensor, _ shape: [Int], _ expected: [Float], accuracy: Float = 1e-5,
  file: StaticString = #filePath, line: UInt = #line
) {
  XCTAssertEqual(tensor.shape, shape, "shape", file: file, line: line)
  XCTAssertEqual(tensor.scalars.count, expected.count, "element count", file: file, line: line)
  for (i, (a, b)) in zip(tensor.scalars, expected).enumerated() where !(Swift.abs(a - b) <= accuracy) {
    XCTFail("element \(i): \(a) != \(b) (±\(accuracy))", file: file, line: line)
    return
  }
}

/// Asserts that `body` throws a `TensorError` whose description contains every fragment.
func assertThrowsTensorError(
  _ fragments: [String], file: StaticString = #filePath, line: UInt = #line,
  _ body: () throws -> Any
) {
  do {
    _ = try body()
    XCTFail("expected an error mentioning \(fragments)", file: file, line: line)
  } catch let error as TensorError {
    let text = error.description
    for fragment in fragments where !text.contains(fragment) {
      XCTFail("error \"\(text)\" does not mention \"\(fragment)\"", file: file, line: line)
    }
  } catch {
    XCTFail("unexpected error type: \(error)", file: file, line: line)
  }
}
