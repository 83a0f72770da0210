/// The text `print(model)` shows: one line per module, indented by depth, with the module's
/// property name, type, settings, its own tensors' shapes and the parameter count of its
/// subtree, e.g.
///
/// ```
/// MLP — 8,970 parameters
///   (fc1): Linear(64 → 128) — weight [64, 128], bias [128] — 8,320 parameters
///   (act): ReLU
///   (fc2): Linear(128 → 10) — weight [128, 10], bias [10] — 1,290 parameters
/// ```
///
/// Buffers (tensors that are not trained) are marked `(buffer)`.
struct ModuleTree {
  let root: Module

  init(_ root: Module) { self.root = root }

  func rendered() -> String {
    var lines: [String] = []
    append(root, name: nil, depth: 0, to: &lines)
    return lines.joined(separator: "\n")
  }

  private func append(_ module: Module, name: String?, depth: Int, to lines: inout [String]) {
    var parts = [String(describing: type(of: module))]
    let settings = module.settingsDescription
    if !settings.isEmpty { parts[0] += "(\(settings))" }
    if let name { parts[0] = "(\(name)): " + parts[0] }
    let tensors = module.ownTensors().map { name, tensor in
      "\(name) \(tensor.shape)" + (tensor.requiresGrad ? "" : " (buffer)")
    }
    if !tensors.isEmpty { parts.append(tensors.joined(separator: ", ")) }
    let count = module.parameterCount
    if count > 0 { parts.append("\(Self.grouped(count)) parameter\(count == 1 ? "" : "s")") }
    lines.append(String(repeating: "  ", count: depth) + parts.joined(separator: " — "))
    for (childName, child) in module.namedChildren() {
      append(child, name: childName, depth: depth + 1, to: &lines)
    }
  }

  /// `8970` → `"8,970"`.
  static func grouped(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var result = ""
    for (i, digit) in digits.enumerated() {
      if i > 0 && (digits.count - i) % 3 == 0 { result += "," }
      result.append(digit)
    }
    return (value < 0 ? "-" : "") + result
  }
}
