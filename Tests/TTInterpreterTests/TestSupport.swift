import TTIR
import TTInterpreter
import TinyTorch
import XCTest

/// Builds a one-node graph of `op` whose graph inputs are `inputs` (named `in0`, `in1`, …).
func singleNodeGraph(_ op: Op, _ inputs: [Tensor], attributes: [String: AttributeValue] = [:]) throws
  -> Graph
{
  var builder = GraphBuilder(name: "single")
  let names = inputs.indices.map { "in\($0)" }
  for (name, tensor) in zip(names, inputs) { builder.input(name, .f32, tensor.shape) }
  builder.output(builder.add(op, names, attributes: attributes, name: "node"))
  return try builder.build()
}

/// Runs `graph` on eager tensors (inputs in declaration order) and returns its first output.
func interpret(_ graph: Graph, _ inputs: [Tensor]) throws -> InterpreterTensor {
  let values = zip(graph.inputs, inputs).map { ($0.name, InterpreterTensor($1.scalars, shape: $1.shape)) }
  let outputs = try Interpreter(graph: graph).run(Dictionary(uniqueKeysWithValues: values))
  return outputs[graph.outputs[0].name]!
}

/// Checks that `op` on `inputs` computes what `eager` computes, shape and values (1e-5 relative).
func assertOp(
  _ op: Op, _ inputs: [Tensor], attributes: [String: AttributeValue] = [:],
  file: StaticString = #filePath, line: UInt = #line, eager: ([Tensor]) throws -> Tensor
) throws {
  let result = try interpret(singleNodeGraph(op, inputs, attributes: attributes), inputs)
  let expected = try eager(inputs)
  XCTAssertEqual(result.shape, expected.shape, "\(op) shape", file: file, line: line)
  assertClose(result.floats(), expected.scalars, "\(op)", file: file, line: line)
}

/// Deterministic normal values of `shape`.
func randn(_ shape: [Int], seed: UInt64) -> Tensor { Tensor.randn(shape, seed: seed) }
