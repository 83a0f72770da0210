/// Declares one attribute of an op: its name, kind, and whether it may be omitted.
public struct AttributeSpec: Hashable, Sendable {
  /// The attribute name as written in `model.json`.
  public let name: String
  /// The kind of value expected (`int` values are accepted where `float` is expected).
  public let kind: AttributeKind
  /// Whether a node must set this attribute.
  public let isRequired: Bool
  /// The value used when an optional attribute is omitted, or `nil` if omission has its own
  /// meaning (e.g. `clamp` without `min`).
  public let defaultValue: AttributeValue?
  /// For string attributes, the accepted values; `nil` accepts any string.
  public let allowedValues: [String]?

  /// A required attribute.
  public static func required(_ name: String, _ kind: AttributeKind, allowedValues: [String]? = nil)
    -> AttributeSpec
  {
    AttributeSpec(
      name: name, kind: kind, isRequired: true, defaultValue: nil, allowedValues: allowedValues)
  }

  /// An optional attribute with an optional default.
  public static func optional(
    _ name: String, _ kind: AttributeKind, default defaultValue: AttributeValue? = nil,
    allowedValues: [String]? = nil
  ) -> AttributeSpec {
    AttributeSpec(
      name: name, kind: kind, isRequired: false, defaultValue: defaultValue,
      allowedValues: allowedValues)
  }
}

/// The signature of an op: its positional inputs and its attributes.
public struct OpSchema: Sendable {
  /// Names of the positional inputs, for documentation and error messages (e.g. `x, weight, bias`).
  /// For variadic ops (`concat`) a single name stands for all inputs.
  public let inputNames: [String]
  /// The fewest inputs a node may have.
  public let minInputs: Int
  /// The most inputs a node may have, or `nil` for no limit.
  public let maxInputs: Int?
  /// Every attribute the op understands; any other attribute is an error.
  public let attributes: [AttributeSpec]

  /// Creates a schema.
  public init(
    inputNames: [String], minInputs: Int, maxInputs: Int?, attributes: [AttributeSpec] = []
  ) {
    self.inputNames = inputNames
    self.minInputs = minInputs
    self.maxInputs = maxInputs
    self.attributes = attributes
  }

  /// The declaration of the attribute called `name`, if the op has one.
  public func attribute(named name: String) -> AttributeSpec? {
    attributes.first { $0.name == name }
  }

  /// The accepted input count in words, e.g. `2 or 3` or `at least 1`.
  public var arityDescription: String {
    switch maxInputs {
    case nil: "at least \(minInputs)"
    case minInputs?: "\(minInputs)"
    case let max?: max == minInputs + 1 ? "\(minInputs) or \(max)" : "\(minInputs) to \(max)"
    }
  }

  fileprivate static func fixed(_ names: [String], _ attributes: [AttributeSpec] = []) -> OpSchema {
    OpSchema(
      inputNames: names, minInputs: names.count, maxInputs: names.count, attributes: attributes)
  }
}

extension Op {
  /// The op's inputs and attributes.
  public var schema: OpSchema { Self.schemas[self]! }

  private static let schemas: [Op: OpSchema] = Dictionary(
    uniqueKeysWithValues: allCases.map { ($0, $0.makeSchema()) })

  private func makeSchema() -> OpSchema {
    let pool2d: [AttributeSpec] = [
      .required("kernel", .ints), .optional("stride", .ints),
      .optional("padding", .ints, default: [0, 0]),
    ]
    // `epilogue` runs an ElementwiseProgram on the product (x0) and the trailing
    // `epilogue_inputs` node inputs (x1…), which do not count toward the op's own arity.
    let epilogue: [AttributeSpec] = [
      .optional("epilogue", .string), .optional("epilogue_inputs", .int, default: 0),
    ]
    // An execution hint (pass `pack-weights`): the constant weight (input 1) may be kept in the
    // GEMM's pre-packed layout; the result is the same.
    let packWeight: [AttributeSpec] = [.optional("pack_weight", .bool, default: false)]
    let reduce: [AttributeSpec] = [
      .optional("axes", .ints), .optional("keepdims", .bool, default: false),
    ]
    let convolution: [AttributeSpec] = [
      .optional("stride", .ints, default: [1, 1]), .optional("padding", .ints, default: [0, 0]),
      .optional("dilation", .ints, default: [1, 1]), .optional("groups", .int, default: 1),
    ]
    switch self {
    case .neg, .exp, .log, .sqrt, .abs, .relu, .sigmoid, .tanh, .erf:
      return .fixed(["x"])
    case .gelu:
      return .fixed(
        ["x"],
        [.optional("approximate", .string, default: "none", allowedValues: ["none", "tanh"])])
    case .leakyRelu:
      return .fixed(["x"], [.optional("alpha", .float, default: 0.01)])
    case .clamp:
      return .fixed(["x"], [.optional("min", .float), .optional("max", .float)])
    case .add, .sub, .mul, .div, .pow, .maximum, .minimum, .equal, .less, .greater:
      return .fixed(["a", "b"])
    case .resize:
      return .fixed(
        ["x"],
        [
          .required("sizes", .ints), .required("scales", .floats),
          .optional("mode", .string, default: "nearest", allowedValues: ResizeTaps.Mode.names),
          .optional(
            "coordinate_transformation_mode", .string, default: "half_pixel",
            allowedValues: ResizeTaps.CoordinateTransform.names),
          .optional(
            "nearest_mode", .string, default: "round_prefer_floor",
            allowedValues: ResizeTaps.NearestRounding.names),
        ])
    case .mod:
      return .fixed(["a", "b"], [.optional("fmod", .bool, default: false)])
    case .where:
      return .fixed(["condition", "a", "b"])
    case .matmul:
      return .fixed(["a", "b"], epilogue + packWeight)
    case .linear:
      return OpSchema(
        inputNames: ["x", "weight", "bias"], minInputs: 2, maxInputs: 3, attributes: epilogue + packWeight)
    case .sparseLinear:
      return OpSchema(
        inputNames: ["x", "values", "columns", "row_pointers", "bias"], minInputs: 4, maxInputs: 5,
        attributes: [
          .optional("layout", .string, default: "csr", allowedValues: ["csr", "sliced"]),
          .optional("out", .int),
        ])
    case .conv2d:
      return OpSchema(
        inputNames: ["x", "weight", "bias"], minInputs: 2, maxInputs: 3, attributes: convolution + epilogue)
    case .maxPool2d:
      return .fixed(["x"], pool2d)
    case .avgPool2d:
      return .fixed(["x"], pool2d + [.optional("count_include_pad", .bool, default: true)])
    case .batchNorm:
      return .fixed(
        ["x", "scale", "bias", "running_mean", "running_var"],
        [.optional("eps", .float, default: 1e-5)])
    case .softmax, .logSoftmax:
      return .fixed(["x"], [.optional("axis", .int, default: -1)])
    case .layerNorm:
      return OpSchema(
        inputNames: ["x", "gamma", "beta"], minInputs: 1, maxInputs: 3,
        attributes: [.optional("eps", .float, default: 1e-5)])
    case .reshape:
      return .fixed(["x"], [.required("shape", .ints)])
    case .transpose:
      return .fixed(["x"], [.required("perm", .ints)])
    case .flatten:
      return .fixed(
        ["x"], [.optional("start_dim", .int, default: 1), .optional("end_dim", .int, default: -1)])
    case .concat:
      return OpSchema(
        inputNames: ["inputs"], minInputs: 1, maxInputs: nil, attributes: [.required("axis", .int)])
    case .slice:
      return .fixed(
        ["x"], [.required("starts", .ints), .required("ends", .ints), .optional("steps", .ints)])
    case .gather:
      return .fixed(["data", "indices"], [.optional("axis", .int, default: 0)])
    case .reduceSum, .reduceMean, .reduceMax, .reduceMin:
      return .fixed(["x"], reduce)
    case .argmax:
      return .fixed(["x"], [.required("axis", .int), .optional("keepdims", .bool, default: false)])
    case .scaledDotProductAttention:
      return OpSchema(
        inputNames: ["q", "k", "v", "mask"], minInputs: 3, maxInputs: 4,
        attributes: [
          .optional("causal", .bool, default: false), .optional("scale", .float), .optional("heads", .int),
        ])
    case .cast:
      return .fixed(
        ["x"], [.required("to", .string, allowedValues: DType.allCases.map(\.rawValue))])
    case .quantizeLinear, .dequantizeLinear:
      return .fixed(["x"], [.required("scale", .float), .required("zero_point", .int)])
    case .fusedElementwise:
      return OpSchema(
        inputNames: ["inputs"], minInputs: 1, maxInputs: nil,
        attributes: [.required("program", .string)])
    case .quantizedLinear, .quantizedConv2d:
      return OpSchema(
        inputNames: ["x", "weight", "weight_scale", "bias"], minInputs: 3, maxInputs: 4,
        attributes: (self == .quantizedConv2d ? convolution : []) + [
          .optional("x_scale", .float), .optional("x_zero_point", .int),
          .optional("out_scale", .float), .optional("out_zero_point", .int, default: 0),
          .optional("relu", .bool, default: false),
        ])
    }
  }
}
