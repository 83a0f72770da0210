import TTIR

/// Places intermediates in one arena by liveness: two buffers whose lifetimes (from the node that
/// writes them to the last node that reads them) do not overlap may share bytes.
///
/// Graph inputs, outputs and weights live in caller-owned or library memory and are not planned.
/// A `reshape`/`flatten` whose output is not a graph output is a view of its input (no copy), so
/// its reads extend the input's lifetime. Placement is greedy: largest buffer first, at the
/// lowest 64-byte-aligned offset that does not collide with a placed buffer alive at the same time
/// (with a linear bound on the work, see `plan`).
public enum MemoryPlanner {
  /// The alignment of every offset, in bytes.
  public static let alignment = 64

  /// Plans `graph`, whose value types are `types`; `scratchBytes(nodeIndex)` is the scratch a node
  /// needs during its own execution.
  public static func plan(
    _ graph: Graph, types: [String: TensorType], scratchBytes: (Int) -> Int
  ) -> MemoryPlan {
    let outputs = Set(graph.outputs.map(\.name))
    let external = outputs.union(graph.inputs.map(\.name)).union(graph.weights.keys)
    var aliases: [String: String] = [:]
    var root: [String: String] = [:]
    func rootOf(_ name: String) -> String { root[name] ?? name }

    // Lifetimes [first, last] of arena buffers, in node indices.
    var interval: [String: (first: Int, last: Int)] = [:]
    var order: [String] = []
    for (index, node) in graph.nodes.enumerated() {
      for input in node.inputs {
        let owner = rootOf(input)
        if let life = interval[owner] { interval[owner] = (life.first, max(life.last, index)) }
      }
      guard let output = node.outputs.first else { continue }
      if isView(node.op), !outputs.contains(output), let source = node.inputs.first {
        aliases[output] = source
        root[output] = rootOf(source)
        continue
      }
      if !external.contains(output) {
        interval[output] = (index, index)
        order.append(output)
      }
    }

    struct Request {
      /// A value's buffer, or the scratch of the node at this index.
      enum Owner {
        case value(String)
        case scratch(Int)
      }
      var owner: Owner
      var bytes: Int
      var first: Int
      var last: Int
    }
    var requests = order.map { name in
      Request(
        owner: .value(name), bytes: types[name]?.byteCount ?? 0, first: interval[name]!.first,
        last: interval[name]!.last)
    }
    for index in graph.nodes.indices {
      let bytes = scratchBytes(index)
      guard bytes > 0 else { continue }
      requests.append(Request(owner: .scratch(index), bytes: bytes, first: index, last: index))
    }
    requests.sort { ($0.bytes, $1.first) > ($1.bytes, $0.first) }

    var placed: [(request: Request, slot: MemoryPlan.Slot)] = []
    var arenaBytes = 0
    // The placed slots alive at each step, so a request only meets the slots whose lifetimes
    // overlap its own. `budget` bounds the steps and slots looked at in all: when it runs out
    // (many long-lived buffers), the remaining buffers are stacked above everything placed, so
    // planning stays linear in time and memory however large the graph.
    var liveAt = [[Int]](repeating: [], count: graph.nodes.count)
    var seenBy = [Int]()  // per placed slot: the last request that collected it
    var budget = 64 * max(graph.nodes.count, 4096)
    for (number, request) in requests.enumerated() {
      let steps = request.first...request.last
      var cost = steps.count
      for step in steps where cost <= budget { cost += liveAt[step].count }
      var offset = arenaBytes
      if cost <= budget {
        budget -= cost
        var conflicts: [MemoryPlan.Slot] = []
        for step in steps {
          for index in liveAt[step] where seenBy[index] != number {
            seenBy[index] = number
            conflicts.append(placed[index].slot)
          }
          liveAt[step].append(placed.count)
        }
        offset = 0
        for slot in conflicts.sorted(by: { $0.offset < $1.offset }) where offset + request.bytes > slot.offset
        {
          offset = max(offset, aligned(slot.offset + slot.bytes))
        }
      } else {
        budget = -1  // from now on every buffer is stacked, so none can overlap an unlisted one
      }
      let slot = MemoryPlan.Slot(offset: offset, bytes: request.bytes)
      placed.append((request, slot))
      seenBy.append(-1)
      arenaBytes = max(arenaBytes, aligned(offset + request.bytes))
    }

    var values: [String: MemoryPlan.Slot] = [:]
    var scratch: [Int: MemoryPlan.Slot] = [:]
    for (request, slot) in placed {
      switch request.owner {
      case .value(let name): values[name] = slot
      case .scratch(let index): scratch[index] = slot
      }
    }
    let unshared = placed.reduce(0) { $0 + aligned($1.slot.bytes) }
    return MemoryPlan(
      values: values, aliases: aliases, scratch: scratch, arenaBytes: arenaBytes, unsharedBytes: unshared)
  }

  /// Whether an op's output is its input reinterpreted with another shape.
  static func isView(_ op: Op) -> Bool { op == .reshape || op == .flatten }

  /// `bytes` rounded up to ``alignment``.
  static func aligned(_ bytes: Int) -> Int { (bytes + alignment - 1) / alignment * alignment }
}
