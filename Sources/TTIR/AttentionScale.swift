/// The default `scale` of `scaled_dot_product_attention` (docs/IR.md), one formula for every
/// engine.
public enum AttentionScale {
  /// `1/√D` for heads of width `depth` = D ≥ 1, computed in `f32`; 1 for empty heads (D = 0),
  /// whose scores are empty products, 0 (never `0 · ∞` = NaN), so each query averages the values
  /// of its unmasked keys.
  public static func defaultScale(depth: Int) -> Float {
    depth > 0 ? 1 / Float(depth).squareRoot() : 1
  }
}
