import TTIR

/// `GatherND` with constant indices (as the dynamo exporter writes for attention masks): the
/// first `K` axes of the data (`K` = the indices' last dimension) are flattened into one, each
/// index tuple becomes one flat index, and one `gather` along that axis picks the slices.
extension Converters {
  static let gatherND: [String: Converter] = [
    "GatherND": .single(["batch_dims"]) { (c) throws(ONNXError) in
      guard c.int("batch_dims", 0) == 0 else { throw c.fail("batch_dims other than 0 is not supported") }
      let shape = try c.type(0).shape
      guard let given = try c.value(1).constant else {
        throw c.fail("indices computed by the graph are not supported (only constant indices)")
      }
      guard let depth = given.shape.last, depth >= 1, depth <= shape.count else {
        throw c.fail("indices of shape \(given.shape) do not fit data of shape \(shape)")
      }
      let leading = Array(shape[..<depth])
      let strides = ConstantFolding.strides(leading)
      let tuples = given.int64s()
      var flat: [Int64] = []
      flat.reserveCapacity(tuples.count / max(depth, 1))
      for start in stride(from: 0, to: tuples.count, by: depth) {
        var index = 0
        for axis in 0..<depth {
          let raw = tuples[start + axis]
          let resolved = raw < 0 ? Int(raw) + leading[axis] : Int(raw)
          guard (0..<leading[axis]).contains(resolved) else {
            throw c.fail("index \(raw) is out of range for dimension \(leading[axis]) (axis \(axis))")
          }
          index += resolved * strides[axis]
        }
        flat.append(Int64(index))
      }
      let indicesShape = Array(given.shape.dropLast())
      let rows = try c.reshape(c.value(0), [leading.reduce(1, *)] + shape[depth...])
      if let data = rows.constant {
        try c.checkCreatedConstant(indicesShape + shape[depth...], "the gathered tensor")
        return .constant(
          ConstantFolding.gathered(data, indices: flat.map(Int.init), indicesShape: indicesShape, axis: 0))
      }
      let indices = ImportedValue.constant(TensorData(int64s: flat, shape: indicesShape))
      return try c.emit(.gather, values: [rows, indices], ["axis": .int(0)])
    }
  ]
}
