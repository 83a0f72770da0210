extension Node {
  /// Checks the node against its op's schema: input and output counts, unknown attributes,
  /// missing required attributes, attribute kinds, allowed string values and finite floats.
  ///
  /// - Throws: ``GraphError`` naming this node.
  public func checkSignature() throws(GraphError) {
    let schema = op.schema
    let extra = epilogueInputCount
    guard extra >= 0, extra <= inputs.count else {
      throw GraphError(node: self, "epilogue_inputs \(extra) is not in 0...\(inputs.count)")
    }
    let count = inputs.count - extra
    if count < schema.minInputs || (schema.maxInputs.map { count > $0 } ?? false) {
      let names = schema.inputNames.joined(separator: ", ")
      throw GraphError(
        node: self, "expects \(schema.arityDescription) inputs (\(names)), got \(count)")
    }
    if outputs.count != 1 {
      throw GraphError(node: self, "must have exactly 1 output, got \(outputs.count)")
    }
    for name in attributes.keys.sorted() where schema.attribute(named: name) == nil {
      let known = schema.attributes.map(\.name)
      let expected =
        known.isEmpty ? "it takes none" : "expected one of: \(known.joined(separator: ", "))"
      throw GraphError(node: self, "unknown attribute '\(name)' (\(expected))")
    }
    for spec in schema.attributes {
      guard let value = attributes[spec.name] else {
        if spec.isRequired {
          throw GraphError(node: self, "missing required attribute '\(spec.name)' (\(spec.kind))")
        }
        continue
      }
      guard let converted = value.converted(to: spec.kind) else {
        throw GraphError(node: self, "attribute '\(spec.name)' must be \(spec.kind), got \(value)")
      }
      if let allowed = spec.allowedValues, let string = converted.stringValue,
        !allowed.contains(string)
      {
        throw GraphError(
          node: self,
          "attribute '\(spec.name)' must be one of \(allowed.joined(separator: ", ")), got \"\(string)\""
        )
      }
      if let numbers = converted.floatsValue ?? converted.floatValue.map({ [$0] }),
        spec.kind == .float || spec.kind == .floats, numbers.contains(where: { !$0.isFinite })
      {
        throw GraphError(node: self, "attribute '\(spec.name)' must be finite, got \(value)")
      }
    }
  }
}
