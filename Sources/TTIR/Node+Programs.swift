extension Node {
  /// How many trailing inputs belong to the `epilogue` (attribute `epilogue_inputs`; 0 for ops
  /// without epilogues).
  public var epilogueInputCount: Int { op.acceptsEpilogue ? int("epilogue_inputs") ?? 0 : 0 }

  /// The inputs the op itself reads: all but the epilogue's.
  public var ownInputs: ArraySlice<String> { inputs.dropLast(max(0, epilogueInputCount)) }

  /// The `epilogue` program of a `matmul`, `linear` or `conv2d`: `x0` is the product (bias
  /// included), `x1`… the trailing epilogue inputs. `nil` when the node has none.
  ///
  /// - Throws: ``GraphError`` naming the node when the program is invalid.
  public func epilogue() throws(GraphError) -> ElementwiseProgram? {
    guard op.acceptsEpilogue, let text = string("epilogue") else { return nil }
    do {
      return try ElementwiseProgram(parsing: text, inputCount: 1 + epilogueInputCount)
    } catch {
      throw GraphError(node: self, "epilogue: \(error)")
    }
  }

  /// The `program` of a `fused_elementwise` node, reading one operand per node input.
  ///
  /// - Throws: ``GraphError`` naming the node when the program is invalid.
  public func program() throws(GraphError) -> ElementwiseProgram {
    do {
      return try ElementwiseProgram(parsing: string("program") ?? "", inputCount: inputs.count)
    } catch {
      throw GraphError(node: self, "program: \(error)")
    }
  }
}
