import XCTest

@testable import TinyTorch

final class ModuleTreeTests: XCTestCase {
  final class Net: Module {
    let features = Sequential(Conv2d(1, 4, kernelSize: 3, padding: 1, seed: 0), BatchNorm2d(4), ReLU())
    let head = Linear(64, 10, seed: 1)
    let dropout = Dropout(0.25)
  }

  func testPrintShowsTheTreeWithShapesAndParameterCounts() {
    XCTAssertEqual(
      "\(Net())",
      """
      Net — 698 parameters
        (features): Sequential — 48 parameters
          (layers.0): Conv2d(1 → 4, kernel [3, 3], padding [1, 1]) — weight [4, 1, 3, 3], bias [4] — 40 parameters
          (layers.1): BatchNorm2d(4, eps: 1e-05, momentum: 0.1) — weight [4], bias [4], runningMean [4] (buffer), runningVar [4] (buffer) — 8 parameters
          (layers.2): ReLU
        (head): Linear(64 → 10) — weight [64, 10], bias [10] — 650 parameters
        (dropout): Dropout(0.25)
      """)
  }

  func testGroupedCounts() {
    XCTAssertEqual(ModuleTree.grouped(0), "0")
    XCTAssertEqual(ModuleTree.grouped(999), "999")
    XCTAssertEqual(ModuleTree.grouped(22_713_216), "22,713,216")
  }
}
