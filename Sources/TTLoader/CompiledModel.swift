import Glibc
import TTIR

/// A model compiled by ttc, loaded with `dlopen` and run on caller-owned buffers.
///
/// Deploying a model compiled with `ttc compile digits-mlp.json -o digits-mlp.so`:
///
/// ```swift
/// import TTLoader
///
/// let model = try CompiledModel(path: "digits-mlp.so")     // checks the ABI version
/// let probs = try model.run([pixels])[0]                   // pixels: [Float], 64 values
/// let digit = probs.indices.max { probs[$0] < probs[$1] }!
/// ```
///
/// Pass `expecting: graph.contentHash` (TTCodegen) to refuse a library compiled from another
/// graph, and keep one ``Session`` per thread for repeated calls without per-call allocation.
///
/// The library has no global mutable state: every ``Session`` has its own workspace, so one
/// instance may be used from several threads, one session per thread (``run(_:observe:)`` makes a
/// fresh session per call). The library is closed on deinit.
public final class CompiledModel: @unchecked Sendable {
  /// The ABI version this loader understands (`TT_ABI_VERSION` in `Runtime/tt_model.h`).
  public static let abiVersion: UInt32 = 1

  /// The library path.
  public let path: String
  /// The model name recorded in the library.
  public let name: String
  /// The graph hash recorded in the library.
  public let graphHash: String
  /// The inputs, in calling order.
  public let inputs: [ValueInfo]
  /// The outputs, in order.
  public let outputs: [ValueInfo]
  /// The weights the library reads, with their offsets in the weights blob.
  public let weights: [(info: ValueInfo, offset: Int)]
  /// Bytes of workspace one call needs.
  public let workspaceBytes: Int
  /// Size of the weights blob.
  public let weightsBytes: Int
  /// Whether the weights are inside the library (else ``init(path:expecting:weights:)`` needs them).
  public let weightsEmbedded: Bool
  /// The number of graph nodes the library runs (numbered as in model.json).
  public let nodeCount: Int

  private typealias RunFunction =
    @convention(c) (
      UnsafeRawPointer?, UnsafePointer<UnsafeRawPointer?>?, UnsafePointer<UnsafeMutableRawPointer?>?,
      UnsafeMutableRawPointer?, UnsafeRawPointer?, UnsafeMutableRawPointer?
    ) -> Int32
  private typealias SetThreadsFunction = @convention(c) (Int32) -> Int32
  private let handle: UnsafeMutableRawPointer
  private let runFunction: RunFunction
  /// `tt_model_set_threads`, absent from libraries built before kernel threads.
  private let setThreadsFunction: SetThreadsFunction?
  /// The external weights blob (64-byte aligned), or `nil` when the weights are embedded.
  private let weightsBlob: UnsafeMutableRawPointer?

  /// Loads the library at `path`.
  ///
  /// - Parameters:
  ///   - path: A library from `ModelCompiler.compile`.
  ///   - expecting: The graph hash it must have been compiled from (`Graph.contentHash`), or
  ///     `nil` to accept any graph.
  ///   - weights: Values by name for a library compiled with external weights (e.g. read from
  ///     the model's safetensors file); ignored when weights are embedded.
  /// - Throws: ``LoaderError`` for a missing file, a non-library, a wrong ABI, a graph mismatch,
  ///   or missing external weights.
  public init(path: String, expecting expectedHash: String? = nil, weights: [String: TensorData] = [:])
    throws(LoaderError)
  {
    guard access(path, F_OK) == 0 else { throw .missingFile(path) }
    // A path without a slash would make dlopen search the library path instead of opening the file.
    guard let handle = dlopen(path.contains("/") ? path : "./" + path, RTLD_NOW | RTLD_LOCAL) else {
      throw .notALibrary(path: path, reason: String(cString: dlerror()))
    }
    /// Closes the library on the way out of a failed load.
    func closing(_ error: LoaderError) -> LoaderError {
      dlclose(handle)
      return error
    }
    guard let describe = dlsym(handle, "tt_describe"), let run = dlsym(handle, "tt_run_ex") else {
      throw closing(.notALibrary(path: path, reason: "it does not export tt_describe and tt_run_ex"))
    }
    typealias DescribeFunction = @convention(c) () -> UnsafeRawPointer?
    guard let desc = unsafeBitCast(describe, to: DescribeFunction.self)() else {
      throw closing(.notALibrary(path: path, reason: "tt_describe returned NULL"))
    }
    let abi = desc.load(as: UInt32.self)
    guard abi == Self.abiVersion else {
      throw closing(.abiMismatch(path: path, found: abi, expected: Self.abiVersion))
    }
    let reader = DescriptorReader(desc, image: DescriptorReader.image(containing: describe))
    let description: Description
    do {
      try reader.requireInImage(desc, bytes: 88, "the descriptor")
      description = try Description(reader)
    } catch .notALibrary(_, let reason) {
      throw closing(.notALibrary(path: path, reason: reason))
    } catch {
      throw closing(error)
    }
    if let expectedHash, description.hash != expectedHash {
      throw closing(.graphMismatch(path: path, found: description.hash, expected: expectedHash))
    }
    self.path = path
    self.handle = handle
    self.runFunction = unsafeBitCast(run, to: RunFunction.self)
    self.setThreadsFunction = dlsym(handle, "tt_model_set_threads").map {
      unsafeBitCast($0, to: SetThreadsFunction.self)
    }
    self.graphHash = description.hash
    self.name = description.name
    self.inputs = description.inputs
    self.outputs = description.outputs
    self.workspaceBytes = description.workspaceBytes
    self.weightsBytes = description.weightsBytes
    self.weightsEmbedded = description.weightsEmbedded
    self.weights = description.weights
    self.nodeCount = description.nodeCount
    if weightsEmbedded {
      weightsBlob = nil
    } else {
      let blob = UnsafeMutableRawPointer.allocate(byteCount: max(weightsBytes, 64), alignment: 64)
      blob.initializeMemory(as: UInt8.self, repeating: 0, count: max(weightsBytes, 64))
      for (info, offset) in self.weights {
        guard let data = weights[info.name], data.type == info.type, offset + data.bytes.count <= weightsBytes
        else {
          blob.deallocate()
          throw closing(
            .badInput("external weight '\(info.name)' (\(info.type)) is missing or has another type"))
        }
        data.bytes.withUnsafeBytes { (blob + offset).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
      }
      weightsBlob = blob
    }
  }

  deinit {
    weightsBlob?.deallocate()
    dlclose(handle)
  }

  /// Runs the model on `f32` inputs given as flat row-major arrays; returns flat outputs as `Float`.
  ///
  /// - Throws: ``LoaderError/badInput(_:)`` if an input count or size does not match.
  public func run(_ inputs: [[Float]]) throws(LoaderError) -> [[Float]] {
    guard inputs.count == self.inputs.count else {
      throw .badInput("model '\(name)' takes \(self.inputs.count) inputs, got \(inputs.count)")
    }
    var tensors: [TensorData] = []
    for (values, info) in zip(inputs, self.inputs) {
      guard info.type.dtype == .f32, values.count == info.type.elementCount else {
        throw .badInput("input '\(info.name)' is \(info.type), got \(values.count) f32 values")
      }
      tensors.append(TensorData(values, shape: info.type.shape))
    }
    return try run(tensors).map { $0.floats() }
  }

  /// Runs the model; each input must have exactly the type the model declares.
  ///
  /// Allocates a fresh ``Session`` (workspace included) per call; for repeated calls on one
  /// thread, keep a session from ``makeSession()`` instead.
  ///
  /// - Parameter observe: Called after every node with its index, name and output (`ttc diff`).
  public func run(_ inputs: [TensorData], observe: ((Int, String, TensorData) -> Void)? = nil)
    throws(LoaderError)
    -> [TensorData]
  {
    try makeSession().run(inputs, observe: observe)
  }

  /// A new session: the workspace and buffers for repeated runs on one thread.
  public func makeSession() -> Session { Session(model: self) }

  /// Sets how many threads the library's kernels use inside one call (`tt_model_set_threads`: the
  /// library's own pool of persistent workers, 1 by default), clamped to 1…256; returns the count in
  /// effect. Outputs are bitwise identical for every count.
  ///
  /// - Throws: ``LoaderError/badInput(_:)`` when more than one thread is asked of a library built
  ///   before kernel threads.
  @discardableResult
  public func setThreads(_ threads: Int) throws(LoaderError) -> Int {
    guard let setThreadsFunction else {
      if threads <= 1 { return 1 }
      throw .badInput("\(path) was compiled before kernel threads (no tt_model_set_threads); recompile it")
    }
    return Int(setThreadsFunction(Int32(min(max(threads, 1), 256))))
  }

  /// Calls the library's `tt_run_ex` on raw buffers, with `observer` (a C callback) and its
  /// context, or none.
  fileprivate func invoke(
    inputs: UnsafePointer<UnsafeRawPointer?>, outputs: UnsafePointer<UnsafeMutableRawPointer?>,
    workspace: UnsafeMutableRawPointer, observer: UnsafeRawPointer?, context: UnsafeMutableRawPointer?
  ) throws(LoaderError) {
    let status = runFunction(
      weightsBlob.map { UnsafeRawPointer($0) }, inputs, outputs, workspace, observer, context)
    guard status == 0 else {
      let meanings: [Int32: String] = [
        1: "weights missing", 2: "a gather index is out of range", 3: "a NULL argument",
        4: "an integer division by zero",
      ]
      throw .runFailed(status: status, meaning: meanings[status] ?? "unknown status")
    }
  }

  /// The buffers for repeated runs of one model on one thread: a workspace of
  /// ``CompiledModel/workspaceBytes``, the input copies and the outputs are allocated once, so a
  /// run allocates only the arrays it returns.
  ///
  /// ```swift
  /// let session = model.makeSession()
  /// for batch in batches { let logits = try session.run([batch])[0] }
  /// ```
  ///
  /// A session must not be used by two threads at once; use one session per thread (they share
  /// the library and its weights).
  public final class Session {
    /// The model this session runs.
    public let model: CompiledModel
    private let workspace: UnsafeMutableRawPointer
    private let inputBuffers: [UnsafeMutableRawPointer]
    private let outputBuffers: [UnsafeMutableRawPointer]
    private let inputPointers: UnsafeMutablePointer<UnsafeRawPointer?>
    private let outputPointers: UnsafeMutablePointer<UnsafeMutableRawPointer?>

    fileprivate init(model: CompiledModel) {
      self.model = model
      workspace = .allocate(byteCount: max(model.workspaceBytes, 64), alignment: 64)
      inputBuffers = model.inputs.map { .allocate(byteCount: max($0.type.byteCount, 1), alignment: 64) }
      outputBuffers = model.outputs.map { .allocate(byteCount: max($0.type.byteCount, 1), alignment: 64) }
      inputPointers = .allocate(capacity: max(model.inputs.count, 1))
      for (index, buffer) in inputBuffers.enumerated() { inputPointers[index] = UnsafeRawPointer(buffer) }
      outputPointers = .allocate(capacity: max(model.outputs.count, 1))
      for (index, buffer) in outputBuffers.enumerated() { outputPointers[index] = buffer }
    }

    deinit {
      workspace.deallocate()
      for buffer in inputBuffers + outputBuffers { buffer.deallocate() }
      inputPointers.deallocate()
      outputPointers.deallocate()
    }

    /// Runs the model; each input must have exactly the type the model declares.
    ///
    /// - Parameter observe: Called after every node with its index, name and output (`ttc diff`).
    /// - Throws: ``LoaderError/badInput(_:)`` for a wrong input count or type,
    ///   ``LoaderError/runFailed(status:meaning:)`` when the compiled code reports a failure.
    public func run(_ inputs: [TensorData], observe: ((Int, String, TensorData) -> Void)? = nil)
      throws(LoaderError) -> [TensorData]
    {
      try copyInputs(inputs)
      var observer = Observer(callback: observe)
      try withUnsafeMutablePointer(to: &observer) { (pointer) throws(LoaderError) in
        try model.invoke(
          inputs: inputPointers, outputs: outputPointers, workspace: workspace,
          observer: observe == nil ? nil : unsafeBitCast(Observer.trampoline, to: UnsafeRawPointer.self),
          context: UnsafeMutableRawPointer(pointer))
      }
      return readOutputs()
    }

    /// Runs the model and records in `clock` when it started and when each node finished
    /// (through the library's observer hook, which then only reads the clock: no copies).
    ///
    /// When the run fails, ``NodeClock/unfinishedNode`` is the node that failed.
    /// - Throws: as ``run(_:observe:)``.
    public func run(_ inputs: [TensorData], clock: NodeClock) throws(LoaderError) -> [TensorData] {
      try copyInputs(inputs)
      clock.reset()
      try model.invoke(
        inputs: inputPointers, outputs: outputPointers, workspace: workspace,
        observer: unsafeBitCast(NodeClock.trampoline, to: UnsafeRawPointer.self), context: clock.context)
      return readOutputs()
    }

    /// The session's buffer for input `index` (exactly `model.inputs[index].type.byteCount`
    /// bytes). Write an input here and call ``runInPlace()`` to run without copies.
    public func inputBuffer(_ index: Int) -> UnsafeMutableRawBufferPointer {
      UnsafeMutableRawBufferPointer(start: inputBuffers[index], count: model.inputs[index].type.byteCount)
    }

    /// The session's buffer for output `index`, which each run overwrites.
    public func outputBuffer(_ index: Int) -> UnsafeRawBufferPointer {
      UnsafeRawBufferPointer(start: outputBuffers[index], count: model.outputs[index].type.byteCount)
    }

    /// Runs the model on the inputs already in the ``inputBuffer(_:)``s, writing the
    /// ``outputBuffer(_:)``s: no copies and no allocations, for latency-critical loops (the
    /// buffers persist between runs, so unchanged inputs need no rewriting).
    ///
    /// - Throws: ``LoaderError/runFailed(status:meaning:)`` when the compiled code reports a failure.
    public func runInPlace() throws(LoaderError) {
      try model.invoke(
        inputs: inputPointers, outputs: outputPointers, workspace: workspace, observer: nil, context: nil)
    }

    private func copyInputs(_ inputs: [TensorData]) throws(LoaderError) {
      guard inputs.count == model.inputs.count else {
        throw .badInput("model '\(model.name)' takes \(model.inputs.count) inputs, got \(inputs.count)")
      }
      for index in inputs.indices {
        let (data, info) = (inputs[index], model.inputs[index])
        guard data.type == info.type else {
          throw .badInput("input '\(info.name)' must be \(info.type), got \(data.type)")
        }
        data.bytes.withUnsafeBytes {
          inputBuffers[index].copyMemory(from: $0.baseAddress!, byteCount: $0.count)
        }
      }
    }

    private func readOutputs() -> [TensorData] {
      var results: [TensorData] = []
      results.reserveCapacity(outputBuffers.count)
      for index in outputBuffers.indices {
        let type = model.outputs[index].type
        let bytes = Array(UnsafeRawBufferPointer(start: outputBuffers[index], count: type.byteCount))
        results.append(try! TensorData(type: type, bytes: bytes))
      }
      return results
    }
  }
}

/// Bridges the C observer callback to a Swift closure.
private struct Observer {
  var callback: ((Int, String, TensorData) -> Void)?

  static let trampoline:
    @convention(c) (Int32, UnsafePointer<CChar>?, Int32, UnsafeRawPointer?, Int64, UnsafeMutableRawPointer?)
      -> Void = {
        index, name, dtype, data, count, context in
        guard let context, let data, let dtype = DescriptorReader.dtype(dtype) else { return }
        let observer = context.assumingMemoryBound(to: Observer.self).pointee
        let bytes = Array(UnsafeRawBufferPointer(start: data, count: Int(count) * dtype.byteSize))
        guard let tensor = try? TensorData(type: TensorType(dtype, [Int(count)]), bytes: bytes) else {
          return
        }
        observer.callback?(Int(index), name.map { String(cString: $0) } ?? "", tensor)
      }
}

/// The validated contents of a `tt_model_desc`.
private struct Description {
  var hash: String
  var name: String
  var inputs: [ValueInfo]
  var outputs: [ValueInfo]
  var workspaceBytes: Int
  var weightsBytes: Int
  var weightsEmbedded: Bool
  var nodeCount: Int
  var weights: [(info: ValueInfo, offset: Int)]

  init(_ reader: DescriptorReader) throws(LoaderError) {
    hash = try reader.string(at: 8, "the graph hash")
    name = try reader.string(at: 16, "the model name")
    inputs = try reader.tensors(count: 24, table: 32, stride: 24, "input").map(\.info)
    outputs = try reader.tensors(count: 28, table: 40, stride: 24, "output").map(\.info)
    workspaceBytes = try reader.byteCount(at: 48, limit: ShapeInference.graphByteLimit, "the workspace")
    weightsBytes = try reader.byteCount(at: 56, limit: ShapeInference.graphByteLimit, "the weights blob")
    weightsEmbedded = reader.base.load(fromByteOffset: 64, as: Int32.self) != 0
    let nodes = reader.base.load(fromByteOffset: 80, as: Int32.self)
    guard nodes >= 0 else { throw DescriptorReader.malformed("node count \(nodes) is negative") }
    nodeCount = Int(nodes)
    weights = []
    for (index, entry) in try reader.tensors(count: 68, table: 72, stride: 40, "weight").enumerated() {
      let offset = entry.raw.load(fromByteOffset: 24, as: UInt64.self)
      let bytes = entry.raw.load(fromByteOffset: 32, as: UInt64.self)
      // Sizes are bounded by the checks above, so these sums cannot overflow.
      guard bytes == UInt64(entry.info.type.byteCount), offset <= UInt64(weightsBytes),
        offset + bytes <= UInt64(weightsBytes)
      else {
        throw DescriptorReader.malformed(
          "weight \(index) ('\(entry.info.name)') at offset \(offset), \(bytes) bytes, is outside the \(weightsBytes)-byte blob"
        )
      }
      weights.append((entry.info, Int(offset)))
    }
  }
}
