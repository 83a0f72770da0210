import XCTest

@testable import TTIR

/// `sparse_linear`: shape inference, the CSR form and the verifier's checks of its contents.
final class SparseLinearTests: XCTestCase {
  func testShapeInference() throws {
    let csr = [t(.f32, 5), t(.i32, 5), t(.i32, 4)]
    XCTAssertEqual(try infer(.sparseLinear, [t(.f32, 8, 6)] + csr), t(.f32, 8, 3))
    XCTAssertEqual(try infer(.sparseLinear, [t(.f32, 2, 4, 6)] + csr + [t(.f32, 3)]), t(.f32, 2, 4, 3))
    assertThrows("columns must be i32, got i64") {
      _ = try infer(.sparseLinear, [t(.f32, 1, 6), t(.f32, 5), t(.i64, 5), t(.i32, 4)])
    }
    assertThrows("columns must have shape [5] (one column per value), got i32[4]") {
      _ = try infer(.sparseLinear, [t(.f32, 1, 6), t(.f32, 5), t(.i32, 4), t(.i32, 4)])
    }
    assertThrows("bias must have shape [3] ([out]), got f32[6]") {
      _ = try infer(.sparseLinear, [t(.f32, 1, 6)] + csr + [t(.f32, 6)])
    }
    assertThrows("row_pointers must have at least one entry") {
      _ = try infer(.sparseLinear, [t(.f32, 1, 6), t(.f32, 0), t(.i32, 0), t(.i32, 0)])
    }
  }

  func testTransposingRoundTrips() throws {
    // A [3, 4] weight (in 3, out 4) with a zero column.
    let dense: [Float] = [1, 0, 0, 2, 0, 0, 3, 0, 4, 0, 5, 6]
    let csr = CSRMatrix(transposing: dense, rows: 3, columns: 4)
    XCTAssertEqual(csr.rowPointers, [0, 2, 2, 4, 6])
    XCTAssertEqual(csr.columns, [0, 2, 1, 2, 0, 2])
    XCTAssertEqual(csr.values, [1, 4, 3, 5, 2, 6])
    XCTAssertEqual(csr.columnCount, 3)
    XCTAssertEqual(csr.denseTransposed(), dense)
    XCTAssertNoThrow(
      try CSRMatrix(rowPointers: csr.rowPointers, columns: csr.columns, values: csr.values, columnCount: 3))
  }

  /// A graph reading a CSR weight for a [1, 3] → [1, 2] product.
  private func graph(rowPointers: [Int32], columns: [Int32], computedValues: Bool = false) -> Graph {
    var weights: [String: TensorData] = [
      "w.values": TensorData([Float](repeating: 1, count: columns.count), shape: [columns.count]),
      "w.columns": TensorData(int32s: columns, shape: [columns.count]),
      "w.row_pointers": TensorData(int32s: rowPointers, shape: [rowPointers.count]),
    ]
    var nodes = [
      Node(
        name: "fc", op: .sparseLinear, inputs: ["x", "w.values", "w.columns", "w.row_pointers"],
        outputs: ["y"])
    ]
    if computedValues {
      weights["w.values"] = nil
      nodes.insert(
        Node(name: "slice", op: .reshape, inputs: ["x"], outputs: ["w.values"], attributes: ["shape": [3]]),
        at: 0)
    }
    return Graph(
      name: "g", inputs: [ValueInfo("x", .f32, [1, 3])],
      outputs: [ValueInfo("y", .f32, [1, rowPointers.count - 1])],
      nodes: nodes, weights: weights)
  }

  func testVerifierAcceptsValidCSR() {
    XCTAssertNoThrow(try graph(rowPointers: [0, 2, 3], columns: [0, 2, 1]).verify())
    XCTAssertNoThrow(try graph(rowPointers: [0, 0, 0], columns: []).verify())
  }

  func testVerifierRejectsBadCSR() {
    let cases: [([Int32], [Int32], String)] = [
      ([1, 2, 3], [0, 1, 2], "row_pointers[0] is 1, not 0"),
      ([0, 2, 1], [0, 1], "row_pointers ends at 1 but there are 2 values"),
      ([0, 2, 1, 2], [0, 1], "row_pointers decrease at row 1: 2 then 1"),
      ([0, 1, 2], [0, 3], "column index 3 at position 1 is outside 0..<3"),
      ([0, 1, 2], [-1, 0], "column index -1 at position 0 is outside 0..<3"),
      ([0, 2, 2], [1, 1], "columns of row 0 are not increasing at position 1"),
      ([0, 2, 2], [2, 0], "columns of row 0 are not increasing at position 1"),
    ]
    for (rowPointers, columns, message) in cases {
      assertThrows("node 'fc' (sparse_linear): sparse weight 'w.values': \(message)") {
        try self.graph(rowPointers: rowPointers, columns: columns).verify()
      }
    }
    assertThrows("node 'fc' (sparse_linear): values, columns and row_pointers must be weights") {
      try self.graph(rowPointers: [0, 2, 3], columns: [0, 2, 1], computedValues: true).verify()
    }
  }

  // MARK: The sliced layout

  func testSlicedShapeInference() throws {
    // x [.., 40]: 2 chunks; out 20: 2 blocks → 4 step counts.
    let sliced = [t(.f32, 32), t(.i8, 32), t(.i32, 4)]
    let layout: [String: AttributeValue] = ["layout": "sliced", "out": 20]
    XCTAssertEqual(try infer(.sparseLinear, [t(.f32, 1, 40)] + sliced, layout), t(.f32, 1, 20))
    XCTAssertEqual(
      try infer(.sparseLinear, [t(.f32, 3, 40)] + sliced + [t(.f32, 20)], layout), t(.f32, 3, 20))
    assertThrows("layout 'sliced' needs the attribute out") {
      _ = try infer(.sparseLinear, [t(.f32, 1, 40)] + sliced, ["layout": "sliced"])
    }
    assertThrows("columns must be i8 in layout 'sliced', got i32") {
      _ = try infer(.sparseLinear, [t(.f32, 1, 40), t(.f32, 32), t(.i32, 32), t(.i32, 4)], layout)
    }
    assertThrows("steps (in row_pointers' place) must have one count per") {
      _ = try infer(.sparseLinear, [t(.f32, 1, 40), t(.f32, 32), t(.i8, 32), t(.i32, 3)], layout)
    }
  }

  func testSlicedLayoutRoundTrips() throws {
    // A [40, 20] weight (2 chunks of inputs, 2 blocks of outputs, the last ones partial).
    var dense = [Float](repeating: 0, count: 40 * 20)
    for index in stride(from: 0, to: dense.count, by: 7) { dense[index] = Float(index % 13) - 6 }
    let sliced = SlicedSparseMatrix(linearWeight: dense, inFeatures: 40, outFeatures: 20)
    XCTAssertEqual(sliced.steps.count, 4)
    XCTAssertEqual(sliced.values.count, 16 * Int(sliced.steps.reduce(0, +)))
    XCTAssertEqual(sliced.denseWeight(), dense)
    // Every step is needed: some output has that many nonzeros in the chunk.
    XCTAssertEqual(
      sliced.steps[0], Int32((0..<16).map { n in (0..<32).filter { dense[$0 * 20 + n] != 0 }.count }.max()!))
    XCTAssertNoThrow(
      try SlicedSparseMatrix(
        values: sliced.values, columns: sliced.columns, steps: sliced.steps, inFeatures: 40, outFeatures: 20))
  }

  /// A graph reading a sliced weight for a [1, 40] → [1, 20] product.
  private func slicedGraph(values: Int, columns: [Int8], steps: [Int32]) -> Graph {
    Graph(
      name: "g", inputs: [ValueInfo("x", .f32, [1, 40])], outputs: [ValueInfo("y", .f32, [1, 20])],
      nodes: [
        Node(
          name: "fc", op: .sparseLinear, inputs: ["x", "w.values", "w.columns", "w.steps"], outputs: ["y"],
          attributes: ["layout": "sliced", "out": 20])
      ],
      weights: [
        "w.values": TensorData([Float](repeating: 1, count: values), shape: [values]),
        "w.columns": TensorData(int8s: columns, shape: [columns.count]),
        "w.steps": TensorData(int32s: steps, shape: [steps.count]),
      ])
  }

  func testVerifierChecksSlicedContents() {
    let zeros = [Int8](repeating: 0, count: 32)
    XCTAssertNoThrow(try slicedGraph(values: 32, columns: zeros, steps: [1, 0, 0, 1]).verify())
    let cases: [(Int, [Int8], [Int32], String)] = [
      (32, zeros, [1, 0, -1, 2], "step count -1 at position 2 is negative"),
      (32, zeros, [1, 1, 1, 0], "the step counts need more than the 32 values"),
      (
        48, zeros + [Int8](repeating: 0, count: 16), [1, 0, 0, 1],
        "2 steps need 32 values and columns, got 48 and 48"
      ),
      (
        32, [Int8](repeating: 0, count: 31) + [32], [1, 0, 0, 1], "column 32 at position 31 is outside 0..<32"
      ),
      (
        32, [-1] + [Int8](repeating: 0, count: 31), [1, 0, 0, 1], "column -1 at position 0 is outside 0..<32"
      ),
    ]
    for (values, columns, steps, message) in cases {
      assertThrows("node 'fc' (sparse_linear): sparse weight 'w.values': \(message)") {
        try self.slicedGraph(values: values, columns: columns, steps: steps).verify()
      }
    }
  }
}
