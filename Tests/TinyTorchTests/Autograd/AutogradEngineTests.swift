import XCTest

@testable import TinyTorch

/// The backward engine: accumulation, seeds, graph recording switches and graph shapes.
final class AutogradEngineTests: XCTestCase {
  func testGradientsAccumulateAcrossBackwardCalls() throws {
    let x = Tensor([1, 2, 3], requiresGrad: true)
    try (x * x).sum().backward()
    XCTAssertEqual(x.grad!.scalars, [2, 4, 6])
    try (x * 3).sum().backward()
    XCTAssertEqual(x.grad!.scalars, [5, 7, 9])
  }

  func testAccumulationDoesNotAliasTheUpstreamGradient() throws {
    // A leaf that receives the seed tensor itself must copy it, not share it.
    let x = Tensor([1, 2], requiresGrad: true)
    let seed = Tensor([1, 1])
    let y = try x + Tensor([0, 0])
    try y.backward(seed: seed)
    try y.backward(seed: seed)
    XCTAssertEqual(x.grad!.scalars, [2, 2])
    XCTAssertEqual(seed.scalars, [1, 1])
  }

  func testGradientIsUnbroadcastToTheParameterShape() throws {
    let bias = Tensor([[1], [2]], requiresGrad: true)  // [2, 1]
    let scalar = Tensor(3, requiresGrad: true)  // []
    let x = Tensor.ones([4, 2, 3])
    try (x * bias + scalar).sum().backward()
    XCTAssertEqual(bias.grad!.shape, [2, 1])
    XCTAssertEqual(bias.grad!.scalars, [12, 12])
    XCTAssertEqual(scalar.grad!.shape, [])
    XCTAssertEqual(scalar.grad!.scalars, [24])
  }

  func testZeroGrad() throws {
    let x = Tensor([1, 2], requiresGrad: true)
    try (x * 2).sum().backward()
    x.zeroGrad()
    XCTAssertNil(x.grad)
    try (x * 5).sum().backward()
    XCTAssertEqual(x.grad!.scalars, [5, 5])

    let model = Linear(2, 2, seed: 1)
    try model(Tensor([[1, 2]])).sum().backward()
    XCTAssertNotNil(model.weight.grad)
    model.zeroGrad()
    XCTAssertTrue(model.parameters().allSatisfy { $0.grad == nil })
  }

  func testNoGradRecordsNoGraph() throws {
    let x = Tensor([1, 2], requiresGrad: true)
    let y = try withNoGrad { try (x * x).exp().sum(axis: 0) }
    XCTAssertFalse(y.requiresGrad)
    XCTAssertTrue(y.isLeaf)
    XCTAssertThrowsError(try y.backward())
    XCTAssertTrue(GradMode.isEnabled)
    let z = (x * 2).sum()
    XCTAssertTrue(z.requiresGrad)
    XCTAssertFalse(z.isLeaf)
  }

  func testBackwardInsideATraceRecordsOnlyTheForwardOps() throws {
    let tracer = Tracer()
    let x = Tensor([[1, 2], [3, 4]], requiresGrad: true)
    try Tracer.$current.withValue(tracer) {
      let y = try x.max(axis: 1).reshaped([1, 2]).softmax()
      try y.backward(seed: Tensor([[1, -1]]))
    }
    XCTAssertEqual(tracer.records.map(\.op.name), ["reduce_max", "reshape", "softmax"])
    XCTAssertNotNil(x.grad)
  }

  func testNonDifferentiableOpsGiveResultsThatDoNotRequireGrad() throws {
    let x = Tensor([[-1, 2], [3, -4]], requiresGrad: true)
    let masks = [
      try x.eq(x), try x.ne(x), try x.lt(x), try x.le(x), try x.gt(x), try x.ge(x), x.gt(0), x.lt(0), x.eq(2),
      try x.argmax(),
    ]
    for mask in masks {
      XCTAssertFalse(mask.requiresGrad)
      XCTAssertTrue(mask.isLeaf)
    }
    assertThrowsTensorError(["backward", "require"]) { try x.gt(0).sum().backward() }
    // A mask still gates the gradient of the tensor it multiplies.
    try (x * x.gt(0)).sum().backward()
    XCTAssertEqual(x.grad!.scalars, [0, 1, 1, 0])
  }

  func testDetachedCutsTheGraph() throws {
    let x = Tensor([1, 2], requiresGrad: true)
    let y = x * 3
    let d = y.detached()
    XCTAssertFalse(d.requiresGrad)
    XCTAssertTrue(d.isLeaf)
    XCTAssertEqual(d.scalars, y.scalars)
    try (y * d).sum().backward()  // d is a constant: d/dx (3x · 3x₀) = 9x₀
    XCTAssertEqual(x.grad!.scalars, [9, 18])
    d.updateScalars { $0[0] = 100 }  // a copy, not a view
    XCTAssertEqual(y.scalars, [3, 6])
  }

  func testBackwardWithAnExplicitSeed() throws {
    let x = Tensor([1, 2, 3], requiresGrad: true)
    let y = try x * x
    try y.backward(seed: Tensor([1, 0, -2]))
    XCTAssertEqual(x.grad!.scalars, [2, 0, -12])
  }

  func testSeedOfTheWrongShapeThrows() {
    let x = Tensor([1, 2, 3], requiresGrad: true)
    assertThrowsTensorError(["backward", "[3]", "[2]"]) { try (x * 2).backward(seed: Tensor([1, 1])) }
  }

  func testBackwardOnANonScalarWithoutSeedThrows() {
    let x = Tensor([1, 2, 3], requiresGrad: true)
    assertThrowsTensorError(["backward", "seed", "[3]"]) { try (x * 2).backward() }
  }

  func testBackwardOnAOneElementTensorNeedsNoSeed() throws {
    let x = Tensor([[2]], requiresGrad: true)
    try (x * x).backward()
    XCTAssertEqual(x.grad!.scalars, [4])
  }

  func testBackwardWithoutGradThrows() {
    assertThrowsTensorError(["backward", "require"]) { try Tensor([1]).sum().backward() }
  }

  /// Builds a 10,000-op chain, differentiates it and frees it; returns dy/dx.
  static func deepChainGradient() throws -> Float {
    let x = Tensor(1, requiresGrad: true)
    var y = x
    for _ in 0..<10_000 { y = y * 1.0001 }
    try y.backward()
    y = x  // frees the chain
    return x.grad!.item
  }

  func testDeepChainDoesNotOverflowTheStack() throws {
    XCTAssertEqual(try Self.deepChainGradient(), Float(pow(1.0001, 10_000.0)), accuracy: 1e-3)
  }

  func testDeepChainOnASmallStackThread() throws {
    // Neither the topological sort nor the release of the graph may recurse per op.
    nonisolated(unsafe) var gradient: Float? = nil
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
      gradient = try? Self.deepChainGradient()
      done.signal()
    }
    thread.stackSize = 256 * 1024
    thread.start()
    done.wait()
    XCTAssertEqual(try XCTUnwrap(gradient), Float(pow(1.0001, 10_000.0)), accuracy: 1e-3)
  }

  func testDiamondCountsEachPathOnce() throws {
    // x → a, b → c: dc/dx = (∂c/∂a)(∂a/∂x) + (∂c/∂b)(∂b/∂x), each path exactly once.
    let x = Tensor(2, requiresGrad: true)
    let a = x * 3
    let b = try x * x
    let c = try a * b  // 3x³ → 9x² = 36
    try c.backward()
    XCTAssertEqual(x.grad!.item, 36)

    // A ladder of diamonds: each level doubles the number of paths, not the gradient work.
    let z = Tensor(1, requiresGrad: true)
    var level = z
    for _ in 0..<30 { level = try level * 0.5 + level * 0.5 }
    try level.backward()
    XCTAssertEqual(z.grad!.item, 1, accuracy: 1e-5)
  }

  func testSharedSubexpressionGradient() throws {
    let a = Tensor([1, 2, 3], requiresGrad: true)
    let b = try a * a  // used twice below
    let c = try (b + b * 2).sum()
    try c.backward()
    XCTAssertEqual(a.grad!.scalars, [6, 12, 18])
  }

  func testInputsWithoutRequiresGradGetNoGradient() throws {
    let w = Tensor([1, 2], requiresGrad: true)
    let x = Tensor([3, 4])
    try (w * x).sum().backward()
    XCTAssertNil(x.grad)
    XCTAssertEqual(w.grad!.scalars, [3, 4])
  }
}
