/// Floating-point operation counts per node, for `ttc inspect` and `ttc profile`.
///
/// A multiply-add counts as 2 FLOPs. The rules, with `n` the output element count:
/// - unary and binary elementwise ops (activations included): `n`;
/// - `matmul`: `2·batch·m·n·k`, `batch` the product of the output's batch dimensions;
/// - `linear`: `2·M·in·out`, plus `M·out` with a bias (`M` the product of leading dimensions);
/// - `sparse_linear`: `2·M·nnz` (stored values only), plus `M·out` with a bias;
/// - `conv2d`: `2·N·O·OH·OW·(I/groups)·kh·kw`, plus `N·O·OH·OW` with a bias;
/// - `max_pool2d`, `avg_pool2d`: `n·kh·kw` (one per window element);
/// - `batch_norm`: `2n` (a folded multiply and add);
/// - `softmax`, `log_softmax`: `5n` (max, subtract, exp, sum, divide or log);
/// - `layer_norm`: `5n` (mean, subtract, variance, normalize), plus `n` each for gamma and beta;
/// - reductions and `argmax`: one per input element;
/// - `scaled_dot_product_attention`: `2·B·Sq·Sk·D + 2·B·Sq·Sk·Dv` for the two products plus
///   `6·B·Sq·Sk` for scaling and softmax, plus `B·Sq·Sk` with a mask;
/// - `quantize_linear`, `dequantize_linear`: `2n`;
/// - data movement (`reshape`, `transpose`, `flatten`, `concat`, `slice`, `gather`) and `cast`: 0;
/// - `fused_elementwise`: `n` per program instruction; an `epilogue` adds the same to its op;
/// - `quantized_linear`: `2·n·in` integer operations, plus `n` with a bias; `quantized_conv2d` the
///   same with `in` its taps `(I/groups)·kh·kw`.
public enum CostModel {
  /// The FLOPs of `node` given its input types and output type.
  ///
  /// Counts saturate at `Int.max` instead of overflowing on absurd shapes.
  public static func flops(of node: Node, inputTypes: [TensorType], outputType: TensorType) -> Int {
    let n = outputType.elementCount
    let own = Array(inputTypes.dropLast(node.epilogueInputCount))
    let epilogue = (try? node.epilogue())?.map { product([n, $0.instructions.count]) } ?? 0
    return sum([ownFlops(of: node, inputTypes: own, outputType: outputType), epilogue])
  }

  private static func ownFlops(of node: Node, inputTypes: [TensorType], outputType: TensorType) -> Int {
    let n = outputType.elementCount
    switch node.op.category {
    case .unaryElementwise, .binaryElementwise, .selection:
      return n
    case .matrix:
      let a = inputTypes[0].shape
      if node.op == .sparseLinear {
        let rows = product(a.dropLast())
        let bias = inputTypes.count == 5 ? product([rows, outputType.shape.last ?? 1]) : 0
        return sum([product([2, rows, inputTypes[1].elementCount]), bias])
      }
      if node.op == .linear {
        let rows = product(a.dropLast())
        let (inFeatures, outFeatures) = (inputTypes[1].shape[0], inputTypes[1].shape[1])
        let bias = inputTypes.count == 3 ? product([rows, outFeatures]) : 0
        return sum([product([2, rows, inFeatures, outFeatures]), bias])
      }
      return product([2, n, a[a.count - 1]])  // n = batch·m·n, times k
    case .convolution:
      let w = inputTypes[1].shape
      return sum([product([2, n, w[1], w[2], w[3]]), inputTypes.count == 3 ? n : 0])
    case .pooling:
      return product([n] + (node.ints("kernel") ?? [1, 1]))
    case .normalization:
      switch node.op {
      case .batchNorm: return product([2, n])
      case .layerNorm: return product([5 + inputTypes.count - 1, n])
      default: return product([5, n])
      }
    case .reduction:
      return inputTypes[0].elementCount
    case .attention:
      let q = inputTypes[0].shape
      let v = inputTypes[2].shape
      let k = inputTypes[1].shape
      let heads = node.int("heads") ?? 1  // packed heads: [..., S, heads·D]
      let scores = product(outputType.shape.dropLast() + [k[k.count - 2], heads])
      let mask = inputTypes.count == 4 ? scores : 0
      return sum([
        product([2, scores, q[q.count - 1] / heads]), product([2, scores, v[v.count - 1] / heads]),
        product([6, scores]), mask,
      ])
    case .dataMovement:
      return 0
    case .conversion:
      return node.op == .cast ? 0 : product([2, n])
    case .fusedElementwise:
      return product([n, (try? node.program())?.instructions.count ?? 1])
    case .resampling:
      // Nearest copies; linear blends two elements per interpolated axis (about four per element
      // for the usual 2-D case).
      return node.string("mode") == "linear" ? product([4, n]) : 0
    case .quantized:
      let inFeatures = product(inputTypes[1].shape.dropFirst())  // the taps of a convolution
      return sum([product([2, n, inFeatures]), inputTypes.count == 4 ? n : 0])
    }
  }

  /// The product of `values`, saturating at `Int.max` (all values are non-negative).
  static func product<Values: Sequence<Int>>(_ values: Values) -> Int {
    var result = 1
    for value in values {
      let (next, overflow) = result.multipliedReportingOverflow(by: value)
      if overflow { return .max }
      result = next
    }
    return result
  }

  /// The sum of `values`, saturating at `Int.max` (all values are non-negative).
  static func sum<Values: Sequence<Int>>(_ values: Values) -> Int {
    var result = 0
    for value in values {
      let (next, overflow) = result.addingReportingOverflow(value)
      if overflow { return .max }
      result = next
    }
    return result
  }
}
