import Glibc
import TTIR

/// A model compiled by ttc, loaded with `dlopen` and run on caller-owned buffers.
///
/// ```swift
/// let model = try CompiledModel(path: artifact.libraryPath, expecting: artifact.graphHash)
/// let probs = try model.run([pixels])[0]
/// ```
///
/// The library has no global mutable state; ``run(_:)-(TensorData)`` allocates a workspace per
/// call, so one instance may be used from several threads. The library is closed on deinit.
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

  private typealias RunFunction = @convention(c) (
    UnsafeRawPointer?, UnsafePointer<UnsafeRawPointer?>?, UnsafePointer<UnsafeMutableRawPointer?>?,
    UnsafeMutableRawPointer?, UnsafeRawPointer?, UnsafeMutableRawPointer?
  ) -> Int32
  private let handle: UnsafeMutableRawPointer
  private let runFunction: RunFunction
  private let weightsBlob: [UInt8]?

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
  public init(path: String, expecting expectedHash: String? = nil, weights: [String: TensorData] = [:]) throws(LoaderError) {
    guard access(path, F_OK) == 0 else { throw .missingFile(path) }
    guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
      throw .notALibrary(path: path, reason: String(cString: dlerror()))
    }
    guard let describe = dlsym(handle, "tt_describe"), let run = dlsym(handle, "tt_run_ex") else {
      dlclose(handle)
      throw .notALibrary(path: path, reason: "it does not export tt_describe and tt_run_ex")
    }
    typealias DescribeFunction = @convention(c) () -> UnsafeRawPointer?
    guard let desc = unsafeBitCast(describe, to: DescribeFunction.self)() else {
      dlclose(handle)
      throw .notALibrary(path: path, reason: "tt_describe returned NULL")
    }
    let abi = desc.load(as: UInt32.self)
    guard abi == Self.abiVersion else {
      dlclose(handle)
      throw .abiMismatch(path: path, found: abi, expected: Self.abiVersion)
    }
    let reader = DescriptorReader(desc)
    let hash = reader.string(at: 8)
    if let expectedHash, hash != expectedHash {
      dlclose(handle)
      throw .graphMismatch(path: path, found: hash, expected: expectedHash)
    }
    self.path = path
    self.handle = handle
    self.runFunction = unsafeBitCast(run, to: RunFunction.self)
    self.graphHash = hash
    self.name = reader.string(at: 16)
    self.inputs = reader.tensors(count: 24, table: 32, stride: 24).map(\.info)
    self.outputs = reader.tensors(count: 28, table: 40, stride: 24).map(\.info)
    self.workspaceBytes = Int(desc.load(fromByteOffset: 48, as: UInt64.self))
    self.weightsBytes = Int(desc.load(fromByteOffset: 56, as: UInt64.self))
    self.weightsEmbedded = desc.load(fromByteOffset: 64, as: Int32.self) != 0
    self.weights = reader.tensors(count: 68, table: 72, stride: 40).map { ($0.info, Int($0.raw.load(fromByteOffset: 24, as: UInt64.self))) }
    if weightsEmbedded {
      weightsBlob = nil
    } else {
      var blob = [UInt8](repeating: 0, count: weightsBytes)
      for (info, offset) in self.weights {
        guard let data = weights[info.name], data.type == info.type else {
          dlclose(handle)
          throw .badInput("external weight '\(info.name)' (\(info.type)) is missing or has another type")
        }
        blob.replaceSubrange(offset..<offset + data.bytes.count, with: data.bytes)
      }
      weightsBlob = blob
    }
  }

  deinit { dlclose(handle) }

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
  /// - Parameter observe: Called after every node with its index, name and output (`ttc diff`).
  public func run(_ inputs: [TensorData], observe: ((Int, String, TensorData) -> Void)? = nil) throws(LoaderError)
    -> [TensorData]
  {
    guard inputs.count == self.inputs.count else {
      throw .badInput("model '\(name)' takes \(self.inputs.count) inputs, got \(inputs.count)")
    }
    for (data, info) in zip(inputs, self.inputs) where data.type != info.type {
      throw .badInput("input '\(info.name)' must be \(info.type), got \(data.type)")
    }
    var outputBuffers = outputs.map { [UInt8](repeating: 0, count: $0.type.byteCount) }
    let workspace = UnsafeMutableRawPointer.allocate(byteCount: max(workspaceBytes, 64), alignment: 64)
    defer { workspace.deallocate() }
    let inputPointers = inputs.map { UnsafeMutableRawPointer.allocate(byteCount: max($0.bytes.count, 1), alignment: 64) }
    defer { for pointer in inputPointers { pointer.deallocate() } }
    for (pointer, data) in zip(inputPointers, inputs) { data.bytes.withUnsafeBytes { pointer.copyMemory(from: $0.baseAddress!, byteCount: $0.count) } }
    let outputPointers = outputs.map { UnsafeMutableRawPointer.allocate(byteCount: max($0.type.byteCount, 1), alignment: 64) }
    defer { for pointer in outputPointers { pointer.deallocate() } }

    var observer = Observer(callback: observe)
    let status = withUnsafeMutablePointer(to: &observer) { observerPointer in
      let constInputs: [UnsafeRawPointer?] = inputPointers.map { UnsafeRawPointer($0) }
      let mutableOutputs: [UnsafeMutableRawPointer?] = outputPointers
      let blob = weightsBlob
      return constInputs.withUnsafeBufferPointer { ins in
        mutableOutputs.withUnsafeBufferPointer { outs in
          blob.withOptionalBytes { weights in
            runFunction(
              weights, ins.baseAddress, outs.baseAddress, workspace,
              observe == nil ? nil : unsafeBitCast(Observer.trampoline, to: UnsafeRawPointer.self),
              UnsafeMutableRawPointer(observerPointer))
          }
        }
      }
    }
    guard status == 0 else {
      let meanings: [Int32: String] = [1: "weights missing", 2: "a gather index is out of range", 3: "a NULL argument"]
      throw .runFailed(status: status, meaning: meanings[status] ?? "unknown status")
    }
    for index in outputs.indices {
      outputBuffers[index].withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(start: outputPointers[index], count: $0.count)) }
    }
    return zip(outputs, outputBuffers).map { info, bytes in try! TensorData(type: info.type, bytes: bytes) }
  }
}

/// Bridges the C observer callback to a Swift closure.
private struct Observer {
  var callback: ((Int, String, TensorData) -> Void)?

  static let trampoline: @convention(c) (Int32, UnsafePointer<CChar>?, Int32, UnsafeRawPointer?, Int64, UnsafeMutableRawPointer?) -> Void = {
    index, name, dtype, data, count, context in
    guard let context, let data, let dtype = DescriptorReader.dtype(dtype) else { return }
    let observer = context.assumingMemoryBound(to: Observer.self).pointee
    let bytes = Array(UnsafeRawBufferPointer(start: data, count: Int(count) * dtype.byteSize))
    guard let tensor = try? TensorData(type: TensorType(dtype, [Int(count)]), bytes: bytes) else { return }
    observer.callback?(Int(index), name.map { String(cString: $0) } ?? "", tensor)
  }
}

extension Optional where Wrapped == [UInt8] {
  fileprivate func withOptionalBytes<R>(_ body: (UnsafeRawPointer?) -> R) -> R {
    guard let self else { return body(nil) }
    return self.withUnsafeBytes { body($0.baseAddress) }
  }
}
