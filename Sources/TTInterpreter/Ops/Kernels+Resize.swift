import TTIR

extension Kernels {
  /// `resize` from the taps of ``TTIR/ResizeTaps``: every output element sums its corners (the
  /// interpolating axes' two taps each) in the order the C backend writes them.
  static func resize(_ step: Step, _ x: InterpreterTensor) -> InterpreterTensor {
    let shape = x.shape
    let outShape = step.outputType.shape
    let taps = ResizeTaps.axes(of: step.node, input: shape)
    let blended = shape.indices.filter { taps[$0].interpolates }
    var strides = [Int](repeating: 1, count: shape.count)
    for axis in shape.indices.dropLast().reversed() { strides[axis] = strides[axis + 1] * shape[axis + 1] }
    let values = x.floats()
    return output(step.outputType) { out in
      var index = [Int](repeating: 0, count: outShape.count)
      for position in 0..<step.outputType.elementCount {
        var base = 0
        for axis in shape.indices where !taps[axis].interpolates {
          base += taps[axis].first[index[axis]] * strides[axis]
        }
        var sum: Float = 0
        for corner in 0..<(1 << blended.count) {
          var weight: Float = 1
          var offset = base
          for (bit, axis) in blended.enumerated() {
            let (tap, j) = (taps[axis], index[axis])
            let second = corner & (1 << (blended.count - 1 - bit)) != 0
            weight *= second ? tap.weights[j] : 1 - tap.weights[j]
            offset += (second ? tap.second[j] : tap.first[j]) * strides[axis]
          }
          sum += weight * values[offset]
        }
        out[position] = sum
        // Advance the output odometer.
        var axis = outShape.count - 1
        while axis >= 0 {
          index[axis] += 1
          if index[axis] < outShape[axis] { break }
          index[axis] = 0
          axis -= 1
        }
      }
    }
  }
}
