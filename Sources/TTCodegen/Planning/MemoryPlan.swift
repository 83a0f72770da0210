/// Where every intermediate value and every node's scratch space lives in the workspace arena.
public struct MemoryPlan: Sendable, Hashable {
  /// A buffer placed in the arena.
  public struct Slot: Sendable, Hashable {
    /// The byte offset from the start of the arena (a multiple of ``MemoryPlanner/alignment``).
    public var offset: Int
    /// The size in bytes.
    public var bytes: Int
  }

  /// Intermediate values stored in the arena, by value name.
  public var values: [String: Slot]
  /// Values that are views of another value's storage (reshape/flatten), by value name → source.
  public var aliases: [String: String]
  /// Scratch space of nodes that need it (GEMM packing, im2col, attention rows), by node index.
  public var scratch: [Int: Slot]
  /// The arena size: the workspace a call needs.
  public var arenaBytes: Int
  /// The sum of all buffer sizes, i.e. the arena size without sharing.
  public var unsharedBytes: Int

  /// `arena 4.0 KiB for 12.0 KiB of intermediates (33%)`.
  public var summary: String {
    let percent = unsharedBytes == 0 ? 100 : arenaBytes * 100 / unsharedBytes
    return "arena \(arenaBytes) bytes for \(unsharedBytes) bytes of intermediates (\(percent)%)"
  }
}
