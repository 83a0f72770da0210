/// Watches every module call of the current task (a forward hook around `callAsFunction`), e.g.
/// to time each module: the profiler (`TTProfiler`) installs one for the runs it measures.
///
/// ```swift
/// final class Timer: ModuleCallObserver {
///   func observe(_ module: Module, _ call: () throws -> Tensor) throws -> Tensor {
///     let start = ContinuousClock.now
///     defer { print(type(of: module), ContinuousClock.now - start) }
///     return try call()
///   }
/// }
/// let y = try ModuleCallObservation.$current.withValue(Timer()) { try model(x) }
/// ```
///
/// Calls nest as modules do: a `Sequential`'s observation encloses its children's. Modules that
/// are called through their own `callAsFunction` overloads (e.g. `BertModel(ids:attentionMask:)`)
/// are observed where they call submodules through ``Module/callAsFunction(_:)``.
public protocol ModuleCallObserver: AnyObject, Sendable {
  /// Runs `call` (the module's forward pass) and returns its output; may throw what it throws.
  func observe(_ module: Module, _ call: () throws -> Tensor) throws -> Tensor
}

/// The module-call observer of the current task.
public enum ModuleCallObservation {
  /// The observer every ``Module/callAsFunction(_:)`` of this task reports to (nil: none).
  @TaskLocal public static var current: (any ModuleCallObserver)?
}
