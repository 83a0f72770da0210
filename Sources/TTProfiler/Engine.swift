/// The three ways a TinyTorch model runs, each of which the ``Profiler`` times node by node.
public enum Engine: String, CaseIterable, Sendable, Codable {
  /// Eager `Module`s and `Tensor` ops (TinyTorch); one profiled entry per module call.
  case eager
  /// The graph interpreter (TTInterpreter); one entry per graph node.
  case interpreter
  /// The compiled C library (TTCodegen + TTLoader); one entry per graph node, timed through the
  /// library's observer hook.
  case compiled
}
