/// Floating-point operation counts per node, for `ttc inspect` and `ttc profile`.
///
/// A multiply-add counts as 2 FLOPs. The rules, with `n` the output element count:
/// - unary and binary elementwise ops (activations included): `n`;
/// - `matmul`: `2·batch·m·n·k`, `batch` the product of the output's batch dimensions;
/// - `linear`: `2·M·in·out`, plus `M·out` with a bias (`M` the product of leading dimensions);
/// - `conv2d`: `2·N·O·OH·OW·(I/groups)·kh·kw`, plus `N·O·OH·OW` with a bias;
/// - `max_pool2d`, `avg_pool2d`: `n·kh·kw` (one per window element);
/// - `batch_norm`: `2n` (a folded multiply and add);
/// - `softmax`, `log_softmax`: `5n` (max, subtract, exp, sum, divide or log);
/// - `layer_norm`: `5n` (mean, subtract, variance, normalize), plus `n` each for gamma and beta;
/// - reductions and `argmax`: one per input element;
/// - `scaled_dot_product_attention`: `2·B·Sq·Sk·D + 2·B·Sq·Sk·Dv` for the two products plus
///   `6·B·Sq·Sk` for scaling and softmax, plus `B·Sq·Sk` with a mask;
/// - `quantize_linear`, `dequantize_linear`: `2n`;
/// - data movement (`reshape`, `transpose`, `flatten`, `concat`, `slice`, `gather`) and `cast`: 0.
public enum CostModel {
  /// The FLOPs of `node` given its input types and output type.
  public static func flops(of node: Node, inputTypes: [TensorType], outputType: TensorType) -> Int {
    let n = outputType.elementCount
    switch node.op.category {
    case .unaryElementwise, .binaryElementwise:
      return n
    case .matrix:
      let a = inputTypes[0].shape
      let hasBias = inputTypes.count == 3
      if node.op == .linear {
        let rows = a.dropLast().reduce(1, *)
        let (inFeatures, outFeatures) = (inputTypes[1].shape[0], inputTypes[1].shape[1])
        return 2 * rows * inFeatures * outFeatures + (hasBias ? rows * outFeatures : 0)
      }
      return 2 * n * a[a.count - 1]  // n = batch·m·n, times k
    case .convolution:
      let w = inputTypes[1].shape
      let perOutput = 2 * w[1] * w[2] * w[3]
      return n * perOutput + (inputTypes.count == 3 ? n : 0)
    case .pooling:
      let kernel = node.ints("kernel") ?? [1, 1]
      return n * kernel.reduce(1, *)
    case .normalization:
      switch node.op {
      case .batchNorm: return 2 * n
      case .layerNorm: return 5 * n + (inputTypes.count - 1) * n
      default: return 5 * n
      }
    case .reduction:
      return inputTypes[0].elementCount
    case .attention:
      let q = inputTypes[0].shape
      let v = inputTypes[2].shape
      let (d, dv) = (q[q.count - 1], v[v.count - 1])
      let scores =
        outputType.shape.dropLast().reduce(1, *) * inputTypes[1].shape[inputTypes[1].rank - 2]
      return 2 * scores * d + 2 * scores * dv + 6 * scores + (inputTypes.count == 4 ? scores : 0)
    case .dataMovement:
      return 0
    case .conversion:
      return node.op == .cast ? 0 : 2 * n
    }
  }
}
