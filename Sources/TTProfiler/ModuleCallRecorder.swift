import Foundation
import TinyTorch

/// Records every module call of the profiled runs (a ``TinyTorch/ModuleCallObserver``): when it
/// started and how long it took, in call order, and the innermost module that threw.
final class ModuleCallRecorder: ModuleCallObserver, @unchecked Sendable {
  /// One module call of the first timed run, with its times in every run.
  struct Call {
    let module: Module
    let path: String
    var output: [Int]
    var starts: [Double] = []
    var durations: [Double] = []
  }

  private let paths: [ObjectIdentifier: String]
  private let lock = NSLock()
  private(set) var calls: [Call] = []
  private var run = -1
  private var runStart = 0.0
  private var next = 0
  /// The innermost module whose call threw, with the error.
  private(set) var failure: (module: Module, path: String, error: any Error)?

  /// A recorder naming modules by their path in `root` (`""` for `root` itself).
  init(root: Module) {
    var paths: [ObjectIdentifier: String] = [:]
    func visit(_ module: Module, _ path: String) {
      guard paths[ObjectIdentifier(module)] == nil else { return }
      paths[ObjectIdentifier(module)] = path
      for (name, child) in module.namedChildren() { visit(child, path.isEmpty ? name : "\(path).\(name)") }
    }
    visit(root, "")
    self.paths = paths
  }

  /// Starts timed run number `run + 1`, whose times count from now.
  func beginRun() {
    lock.withLock {
      run += 1
      next = 0
      runStart = monotonicSeconds()
    }
  }

  func observe(_ module: Module, _ call: () throws -> Tensor) throws -> Tensor {
    // Warm-up calls (before the first timed run) are not timed, only watched for failures.
    let index: Int? = lock.withLock {
      guard run >= 0 else { return nil }
      defer { next += 1 }
      if run == 0 {
        calls.append(Call(module: module, path: paths[ObjectIdentifier(module)] ?? "?", output: []))
      }
      return next
    }
    let start = monotonicSeconds()
    let output: Tensor
    do {
      output = try call()
    } catch {
      lock.withLock {
        if failure == nil { failure = (module, paths[ObjectIdentifier(module)] ?? "?", error) }
      }
      throw error
    }
    let end = monotonicSeconds()
    lock.withLock {
      guard let index, index < calls.count, calls[index].module === module else { return }
      if run == 0 { calls[index].output = output.shape }
      calls[index].starts.append(start - runStart)
      calls[index].durations.append(end - start)
    }
    return output
  }
}
