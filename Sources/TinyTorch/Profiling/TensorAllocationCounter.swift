import Foundation

/// Counts the bytes of tensor storage made and freed while it is installed, and the most that were
/// live at once: the measured peak memory of eager code (`TTProfiler` reports it).
///
/// Every `Tensor` made while a counter is installed for the task (``withCounting(_:)``) is counted
/// by the storage buffer it holds (its capacity in bytes), once per buffer: tensors that share a
/// buffer (a reshape, a detached copy before either is written) count it once. The bytes leave
/// the count when the last such tensor is freed, also after the counter is uninstalled. Tensors
/// made before (parameters, inputs) are not counted, nor is storage outside tensors (optimizer
/// state, kernel scratch).
///
/// ```swift
/// let counter = TensorAllocationCounter()
/// let y = try counter.withCounting { try model(x) }
/// print(counter.peakBytes, counter.liveBytes)   // liveBytes: y's storage (and anything else kept)
/// ```
public final class TensorAllocationCounter: @unchecked Sendable {
  /// The counter installed for the current task, if any.
  @TaskLocal public static var current: TensorAllocationCounter?

  private let lock = NSLock()
  private var owners: [UnsafeRawPointer: (tensors: Int, bytes: Int)] = [:]
  private var live = 0
  private var peak = 0
  private var total = 0
  private var livePeakBuffers = 0

  /// A counter with nothing counted.
  public init() {}

  /// Bytes of counted storage alive now.
  public var liveBytes: Int { lock.withLock { live } }
  /// The most counted bytes alive at once (since creation or ``resetPeak()``).
  public var peakBytes: Int { lock.withLock { peak } }
  /// Bytes of all counted buffers made so far.
  public var allocatedBytes: Int { lock.withLock { total } }
  /// Counted buffers alive now.
  public var liveBuffers: Int { lock.withLock { owners.count } }
  /// The most counted buffers alive at once.
  public var peakBuffers: Int { lock.withLock { livePeakBuffers } }

  /// Runs `body` with this counter installed for the current task.
  public func withCounting<T>(_ body: () throws -> T) rethrows -> T {
    try Self.$current.withValue(self, operation: body)
  }

  /// Starts a new peak from the bytes alive now.
  public func resetPeak() {
    lock.withLock {
      peak = live
      livePeakBuffers = owners.count
    }
  }

  /// Counts `address` (a buffer of `bytes`) for one more tensor.
  func retain(_ address: UnsafeRawPointer, bytes: Int) {
    lock.withLock {
      if let entry = owners[address] {
        owners[address] = (entry.tensors + 1, entry.bytes)
        return
      }
      owners[address] = (1, bytes)
      live += bytes
      total += bytes
      peak = max(peak, live)
      livePeakBuffers = max(livePeakBuffers, owners.count)
    }
  }

  /// One tensor holding `address` is gone.
  func release(_ address: UnsafeRawPointer) {
    lock.withLock {
      guard let entry = owners[address] else { return }
      if entry.tensors > 1 {
        owners[address] = (entry.tensors - 1, entry.bytes)
      } else {
        owners[address] = nil
        live -= entry.bytes
      }
    }
  }
}

extension Tensor {
  /// Counts this new tensor's storage with the task's counter, if one is installed.
  func countAllocation() {
    guard let counter = TensorAllocationCounter.current else { return }
    let (address, bytes) = scalars.withUnsafeBufferPointer {
      ($0.baseAddress.map(UnsafeRawPointer.init), scalars.capacity * MemoryLayout<Float>.stride)
    }
    guard let address, bytes > 0 else { return }
    counter.retain(address, bytes: bytes)
    allocation = (counter, address)
  }
}
