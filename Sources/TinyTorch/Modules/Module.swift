/// The base class of every layer and model, like PyTorch's `nn.Module`.
///
/// Subclasses store their parameters (tensors with `requiresGrad`), buffers (other tensors) and
/// submodules as ordinary properties and override ``forward(_:)``. Parameters are discovered by
/// reflection in declaration order and named by property path, e.g. `"fc1.weight"`; arrays of
/// modules are named by index (`"blocks.0.attention.query.weight"`).
///
/// ```swift
/// final class MLP: Module {
///   let fc1 = Linear(64, 128)
///   let fc2 = Linear(128, 10)
///   override func forward(_ x: Tensor) throws -> Tensor { try fc2(fc1(x).relu()) }
/// }
/// ```
open class Module: CustomStringConvertible {
  /// Whether the module is in training mode (affects dropout and batch norm).
  public internal(set) var isTraining = true

  /// The module tree with each module's settings, tensor shapes and parameter counts, as
  /// `print(model)` shows it.
  open var description: String { ModuleTree(self).rendered() }

  /// This module's settings in one line, shown after its type name by `print(model)` (like
  /// PyTorch's `extra_repr`), e.g. `"64 → 128"` for a ``Linear``. Empty by default.
  open var settingsDescription: String { "" }

  /// How this module's own tensors and children are named and laid out in the PyTorch
  /// `state_dict` of the matching `torch.nn` module (see ``PyTorchConvention``); by default the
  /// Swift names and layouts.
  open var pytorchConvention: PyTorchConvention { PyTorchConvention() }

  /// Creates a module in training mode.
  public init() {}

  /// The computation of the module. Subclasses override this.
  open func forward(_ input: Tensor) throws -> Tensor {
    throw TensorError.invalidArgument("\(type(of: self)) does not implement forward(_:)")
  }

  /// Runs ``forward(_:)`` (inside this module's naming scope while a trace is recorded, and
  /// reported to the task's ``ModuleCallObserver`` when one is installed).
  public func callAsFunction(_ input: Tensor) throws -> Tensor {
    try observedCall { try forward(input) }
  }

  /// Runs `body` as a call of this module, as ``callAsFunction(_:)`` runs ``forward(_:)``: the
  /// entry point for a module's other forward functions (e.g. a fused inference path).
  func observedCall(_ body: () throws -> Tensor) throws -> Tensor {
    if let observer = ModuleCallObservation.current {
      return try observer.observe(self) { try scoped(body) }
    }
    return try scoped(body)
  }

  private func scoped(_ body: () throws -> Tensor) throws -> Tensor {
    guard let tracer = Tracer.current else { return try body() }
    return try tracer.withScope(self, body)
  }

  /// Direct submodules with their property names, in declaration order.
  public func namedChildren() -> [(String, Module)] {
    reflectedMembers().compactMap { name, value in (value as? Module).map { (name, $0) } }
  }

  /// Tensors owned directly by this module (not by submodules), with their property names.
  func ownTensors() -> [(String, Tensor)] {
    reflectedMembers().compactMap { name, value in (value as? Tensor).map { (name, $0) } }
  }

  /// All trainable parameters with dotted names, this module's first, then submodules'.
  public func namedParameters() -> [(String, Tensor)] {
    namedTensors().filter { $0.1.requiresGrad }
  }

  /// All trainable parameters.
  public func parameters() -> [Tensor] { namedParameters().map { $0.1 } }

  /// Total number of trainable scalar values.
  public var parameterCount: Int { parameters().reduce(0) { $0 + $1.count } }

  /// Every tensor of the module tree (parameters and buffers) with dotted names.
  public func namedTensors() -> [(String, Tensor)] {
    var result = ownTensors()
    for (name, child) in namedChildren() {
      result += child.namedTensors().map { ("\(name).\($0.0)", $0.1) }
    }
    // A tensor shared by two properties (weight tying) is listed once, under its first name.
    var seen: Set<ObjectIdentifier> = []
    return result.filter { seen.insert(ObjectIdentifier($0.1)).inserted }
  }

  /// This module and all submodules, depth first.
  public func modules() -> [Module] {
    [self] + namedChildren().flatMap { $0.1.modules() }
  }

  /// Switches this module and its submodules to training mode.
  public func train() { modules().forEach { $0.isTraining = true } }

  /// Switches this module and its submodules to evaluation mode.
  public func eval() { modules().forEach { $0.isTraining = false } }

  /// Runs `body` with this module and its submodules in evaluation mode, then puts every one of
  /// them back in the mode it had before (also when `body` throws).
  public func withEvaluationMode<T>(_ body: () throws -> T) rethrows -> T {
    let modes = modules().map { ($0, $0.isTraining) }
    for (module, _) in modes { module.isTraining = false }  // eval() without a second walk
    defer { for (module, wasTraining) in modes { module.isTraining = wasTraining } }
    return try body()
  }

  /// Clears the gradients of all parameters.
  public func zeroGrad() { parameters().forEach { $0.zeroGrad() } }

  /// Stored properties that are tensors, modules, or arrays/optionals of them.
  func reflectedMembers() -> [(String, Any)] {
    var members: [(String, Any)] = []
    var mirrors: [Mirror] = []
    var mirror: Mirror? = Mirror(reflecting: self)
    while let m = mirror {
      mirrors.insert(m, at: 0)  // superclass properties first
      mirror = m.superclassMirror
    }
    for m in mirrors {
      for child in m.children {
        guard let label = child.label else { continue }
        let name = label.hasPrefix("_") ? String(label.dropFirst()) : label
        Module.flatten(child.value, name: name, into: &members)
      }
    }
    return members
  }

  static func flatten(_ value: Any, name: String, into members: inout [(String, Any)]) {
    // Plain values (sizes, flags, probabilities: most stored properties) hold no tensors; a
    // metatype comparison rules them out before the costlier casts below.
    let type = type(of: value)
    if type == Int.self || type == Float.self || type == Bool.self || type == Double.self
      || type == String.self
    {
      return
    }
    switch value {
    case let tensor as Tensor: members.append((name, tensor))
    case let module as Module: members.append((name, module))
    case let optional as any OptionalMember:
      if let wrapped = optional.wrappedMember { flatten(wrapped, name: name, into: &members) }
    case let array as [Any]:
      for (i, element) in array.enumerated() { flatten(element, name: "\(name).\(i)", into: &members) }
    default: break
    }
  }
}

/// An optional stored property of a module, unwrapped by ``Module/flatten(_:name:into:)`` without
/// a `Mirror`.
protocol OptionalMember {
  /// The wrapped value, or nil.
  var wrappedMember: Any? { get }
}

extension Optional: OptionalMember {
  var wrappedMember: Any? { self.map { $0 as Any } }
}
