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
}
