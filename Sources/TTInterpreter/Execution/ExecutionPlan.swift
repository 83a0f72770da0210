import TTIR
import TTKernels

/// A graph lowered for execution: every value gets a slot index, every node a step that knows
/// its input and output slots, its types and cost, and which slots die after it.
struct ExecutionPlan: Sendable {
  /// One node, ready to run.
  struct Step: Sendable {
    /// The node.
    let node: Node
    /// The slots read, in input order.
    let inputs: [Int]
    /// The slot written.
    let output: Int
    /// The types of the inputs.
    let inputTypes: [TensorType]
    /// The type of the output.
    let outputType: TensorType
    /// Static FLOPs and traffic.
    let cost: NodeCost
    /// The `fused_elementwise` program or the epilogue, parsed once.
    let program: ElementwiseProgram?
    /// The epilogue when the kernel applies it as it stores the output (then ``program`` is not
    /// run after the kernel).
    let kernelEpilogue: KernelEpilogue?
    /// The weight (input 1) of a `linear`/`matmul` marked `pack_weight`, packed for the GEMM.
    let packedWeight: PackedWeight?
    /// The int8 weight (input 1) of a `quantized_linear`/`quantized_conv2d`, packed
    /// (``TTIR/Node/int8WeightPacking(in:)``).
    let packedInt8Weight: PackedInt8Weight?
    /// The weight (input 1) of a `conv2d`, packed for the node's geometry
    /// (``TTIR/Graph/packedConvolutionWeight(of:)``).
    let packedConvolution: PackedConvolutionWeight?
    /// Slots whose last reader is this step (inputs and dead outputs), freed after it runs.
    let releases: [Int]
    /// How many of ``releases`` hold node outputs (graph inputs are not counted as live
    /// intermediates), and their bytes.
    let releasedIntermediates: (buffers: Int, bytes: Int)
    /// The slots of ``releases`` that hold node outputs: their buffers go back to the
    /// ``BufferPool`` (a caller's input is never reused).
    let recycles: [Int]
  }

  /// The steps in graph order.
  let steps: [Step]
  /// The number of slots.
  let slotCount: Int
  /// The slot of each graph input, in declaration order.
  let inputSlots: [Int]
  /// The slot of each graph output, in declaration order.
  let outputSlots: [Int]
  /// Weights decoded once, with their slots.
  let constants: [(slot: Int, value: InterpreterTensor)]
  /// The bytes of intermediates live while each step runs (``TTIR/GraphAnalysis/liveBytes``).
  let liveBytes: [Int]
  /// The bytes of every node output of one run together: the most a ``BufferPool`` keeps.
  let allocatedBytes: Int

  /// Lowers a verified `graph`.
  init(_ graph: Graph) throws(GraphError) {
    let types = try graph.valueTypes()
    let analysis = try graph.analysis()
    var slotOf: [String: Int] = [:]
    func slot(_ name: String) -> Int {
      if let index = slotOf[name] { return index }
      let index = slotOf.count
      slotOf[name] = index
      return index
    }
    inputSlots = graph.inputs.map { slot($0.name) }
    constants = graph.weights.keys.sorted().map { (slot($0), InterpreterTensor(graph.weights[$0]!)) }
    let lastUses = graph.lastUses()
    var releasesAt = [[Int]](repeating: [], count: graph.nodes.count)
    // Shape inference succeeded, so every value a node reads is an input, a weight or an
    // earlier node's output; all but weights are freed after their last reader.
    for (name, last) in lastUses where last < graph.nodes.count && graph.weights[name] == nil {
      releasesAt[last].append(slot(name))
    }
    var steps: [Step] = []
    var packed: [String: PackedWeight] = [:]  // by weight name: packed once however many nodes read it
    var packedInt8: [Int8WeightPacking: PackedInt8Weight] = [:]
    var packedConvolutions: [ConvolutionPackingKey: PackedConvolutionWeight] = [:]  // a form per geometry
    var intermediateBytes: [Int: Int] = [:]  // by slot, for node outputs produced so far
    for (index, node) in graph.nodes.enumerated() {
      let output = node.outputs[0]
      let outputType = types[output]!
      let inputTypes = node.inputs.map { types[$0]! }
      intermediateBytes[slot(output)] = outputType.byteCount
      var releases = releasesAt[index]
      if lastUses[output] == nil { releases.append(slot(output)) }  // dead output
      let recycles = releases.filter { intermediateBytes[$0] != nil }.sorted()
      let released = recycles.map { intermediateBytes[$0]! }
      var packedWeight: PackedWeight?
      if let name = graph.packedF32Weight(of: node) {
        packedWeight = packed[name] ?? Self.pack(graph.weights[name]!)
        packed[name] = packedWeight
      }
      var packedInt8Weight: PackedInt8Weight?
      if let packing = node.int8WeightPacking(in: graph) {
        packedInt8Weight =
          packedInt8[packing] ?? Self.pack(graph.weights[packing.weight]!, groups: packing.groups)
        packedInt8[packing] = packedInt8Weight
      }
      var packedConvolution: PackedConvolutionWeight?
      if let name = graph.packedConvolutionWeight(of: node) {
        let geometry = Kernels.convolutionGeometry(node, x: inputTypes[0].shape, weight: inputTypes[1].shape)
        let key = ConvolutionPackingKey(weight: name, geometry: geometry)
        packedConvolution =
          packedConvolutions[key]
          ?? graph.weights[name]!.floats().withUnsafeBufferPointer {
            PackedConvolutionWeight($0.baseAddress!, geometry: geometry)
          }
        packedConvolutions[key] = packedConvolution
      }
      steps.append(
        Step(
          node: node, inputs: node.inputs.map(slot), output: slot(output),
          inputTypes: inputTypes, outputType: outputType,
          cost: analysis.nodes[index],
          program: node.op == .fusedElementwise ? try node.program() : try node.epilogue(),
          kernelEpilogue: node.kernelEpilogue(inputTypes: inputTypes, outputType: outputType),
          packedWeight: packedWeight, packedInt8Weight: packedInt8Weight,
          packedConvolution: packedConvolution,
          releases: releases.sorted(),
          releasedIntermediates: (released.count, released.reduce(0, +)), recycles: recycles))
    }
    self.steps = steps
    allocatedBytes = steps.reduce(0) { $0 + $1.outputType.byteCount }
    liveBytes = analysis.liveBytes
    outputSlots = graph.outputs.map { slot($0.name) }
    slotCount = slotOf.count
  }

  static func pack(_ weight: TensorData) -> PackedWeight {
    weight.floats().withUnsafeBufferPointer {
      PackedWeight($0.baseAddress!, k: weight.shape[0], n: weight.shape[1])
    }
  }

  /// `weight` (int8) packed by `tt_qpack_grouped`; nil for a weight of another dtype (the verifier
  /// rejects those later) or without elements.
  static func pack(_ weight: TensorData, groups: Int) -> PackedInt8Weight? {
    let (rows, columns) = Int8WeightPacking.matrix(weight.shape)
    guard weight.dtype == .i8, rows > 0, columns > 0, groups > 0, rows % groups == 0 else { return nil }
    return weight.bytes.withUnsafeBytes {
      PackedInt8Weight(
        $0.bindMemory(to: Int8.self).baseAddress!, rows: rows, columns: columns, groups: groups)
    }
  }
}

/// A convolution weight packed for one geometry: convolutions reading the same weight with the same
/// geometry share one packed form, as compiled libraries store one per weight and geometry.
private struct ConvolutionPackingKey: Hashable {
  let weight: String
  let geometry: Conv2DGeometry
}
