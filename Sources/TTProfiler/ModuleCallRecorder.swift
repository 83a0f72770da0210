import Foundation
import TinyTorch

/// Records every module call of the profiled runs (a ``TinyTorch/ModuleCallObserver``): when it
/// started and how long it took, in call order, and the innermost module that threw. Warm-up calls
/// (before ``beginRun()``) are only watched for failures.
final class ModuleCallRecorder: ModuleCallObserver, @unchecked Sendable {
  /// One module call of the first timed run, with its times in every run.
  struct Call {
    let module: Module
    /// The module's path in the root (`""` for the root) or its given name.
    let path: String
    /// The module's type name, or its given kind.
    let kind: String
    var output: [Int] = []
    var starts: [Double] = []
    var durations: [Double] = []
  }

  private var names: [ObjectIdentifier: (path: String, kind: String)] = [:]
  private let lock = NSLock()
  private(set) var calls: [Call] = []
  private var run = -1
  private var runStart = 0.0
  private var next = 0
  /// The innermost module whose call threw, its name and kind, and the error.
  private(set) var failure: (path: String, kind: String, error: any Error)?

  /// A recorder naming modules by their path in `root` (`""` for `root` itself) and their type,
  /// except those in `names`, which are named as given.
  init(root: Module, names given: [(module: Module, name: String, kind: String)] = []) {
    for entry in given { names[ObjectIdentifier(entry.module)] = (entry.name, entry.kind) }
    func visit(_ module: Module, _ path: String) {
      let id = ObjectIdentifier(module)
      guard names[id] == nil else { return }
      names[id] = (path, "\(type(of: module))")
      for (name, child) in module.namedChildren() { visit(child, path.isEmpty ? name : "\(path).\(name)") }
    }
    visit(root, "")
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
    let name = names[ObjectIdentifier(module)] ?? ("?", "\(type(of: module))")
    let index: Int? = lock.withLock {
      guard run >= 0 else { return nil }
      defer { next += 1 }
      if run == 0 { calls.append(Call(module: module, path: name.path, kind: name.kind)) }
      return next
    }
    let start = monotonicSeconds()
    let output: Tensor
    do {
      output = try call()
    } catch {
      lock.withLock { if failure == nil { failure = (name.path, name.kind, error) } }
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
