import XCTest

@testable import TTIR

final class GraphEditorTests: XCTestCase {
  func testIndexAnswersProducersConsumersKindsAndTypes() throws {
    let editor = try GraphEditor(try makeMLP())
    let ids = editor.nodeIDs
    XCTAssertEqual(ids.map { editor[$0].name }, ["fc1", "act1", "fc2", "softmax"])
    XCTAssertEqual(editor.producer(of: "fc1"), ids[0])
    XCTAssertNil(editor.producer(of: "x"))
    XCTAssertEqual(editor.consumers(of: "fc1"), [ids[1]])
    XCTAssertEqual(editor.consumers(of: "x"), [ids[0]])
    XCTAssertEqual(editor.kind(of: "x"), .input)
    XCTAssertEqual(editor.kind(of: "fc2.bias"), .weight)
    XCTAssertEqual(editor.kind(of: "act1"), .node(ids[1]))
    XCTAssertNil(editor.kind(of: "nothing"))
    XCTAssertEqual(editor.type(of: "act1"), t(.f32, 1, 128))
    XCTAssertTrue(editor.isUsed("probs"), "a graph output is used")
    XCTAssertEqual(editor.graph, try makeMLP(), "opening and closing changes nothing")
  }

  func testInsertionKeepsOrderAndInfersTypes() throws {
    var editor = try GraphEditor(try makeMLP())
    let act = editor.producer(of: "act1")!
    let id = try editor.insert(
      Node(name: "neg", op: .neg, inputs: ["act1"], outputs: ["negated"]), after: act)
    XCTAssertEqual(editor.type(of: "negated"), t(.f32, 1, 128))
    let fc2 = editor.producer(of: "fc2")!
    editor.setInputs(of: fc2, to: ["negated", "fc2.weight", "fc2.bias"])
    XCTAssertEqual(editor.consumers(of: "negated"), [fc2])
    XCTAssertEqual(editor.consumers(of: "act1"), [id])
    let first = try editor.insert(
      Node(name: "abs", op: .abs, inputs: ["x"], outputs: ["ax"]), before: editor.nodeIDs[0])
    XCTAssertEqual(editor.nodeIDs.first, first)
    let graph = editor.graph
    XCTAssertEqual(graph.nodes.map(\.name), ["abs", "fc1", "act1", "neg", "fc2", "softmax"])
    XCTAssertNoThrow(try graph.verify())
    XCTAssertEqual(editor.removeDeadNodes(), 1, "abs is read by nothing")
    XCTAssertEqual(editor.graph.nodes.map(\.name), ["fc1", "act1", "neg", "fc2", "softmax"])
  }

  func testInsertingANodeThatReadsAnUndefinedValueNamesIt() throws {
    var editor = try GraphEditor(try makeMLP())
    assertThrows("node 'bad' (relu): input 'ghost' is not defined") {
      try editor.append(Node(name: "bad", op: .relu, inputs: ["ghost"], outputs: ["b"]))
    }
    assertThrows("node 'bad' (matmul): b must have rank ≥ 2, got f32[10]") {
      try editor.append(Node(name: "bad", op: .matmul, inputs: ["act1", "fc2.bias"], outputs: ["b"]))
    }
  }

  func testRemovingAChainOfDeadNodesCascades() throws {
    var b = GraphBuilder(name: "dead")
    let x = b.input("x", .f32, [2])
    var dead = x
    for index in 0..<5 { dead = b.add(.exp, [dead], name: "dead\(index)") }
    b.output(b.add(.relu, [x], name: "live"))
    var editor = try GraphEditor(try b.build())
    XCTAssertEqual(editor.removeDeadNodes(), 5)
    XCTAssertEqual(editor.graph.nodes.map(\.name), ["live"])
    XCTAssertEqual(editor.nodeCount, 1)
  }

  func testReplaceAllUsesRedirectsReadersAndKeepsGraphOutputNames() throws {
    // y = relu(neg(neg(x))): replace the outer neg's uses by the inner value's twin.
    var b = GraphBuilder(name: "r")
    let x = b.input("x", .f32, [3])
    let inner = b.add(.neg, [x], name: "n1")
    let outer = b.add(.neg, [inner], name: "n2")
    b.output(b.add(.relu, [outer], name: "act", output: "y"))
    var editor = try GraphEditor(try b.build())
    XCTAssertTrue(editor.replaceAllUses(of: outer, with: x))
    XCTAssertEqual(editor[editor.producer(of: "y")!].inputs, ["x"])
    editor.removeDeadNodes()
    XCTAssertEqual(editor.graph.nodes.map(\.name), ["act"])

    // The graph output 'y' is replaced by a new node's value: the name 'y' moves to it.
    let act = editor.producer(of: "y")!
    try editor.insert(Node(name: "sig", op: .sigmoid, inputs: ["x"], outputs: ["s"]), before: act)
    XCTAssertTrue(editor.replaceAllUses(of: "y", with: "s"))
    editor.removeDeadNodes()
    let graph = editor.graph
    XCTAssertEqual(graph.nodes.map(\.description), ["y = sigmoid(x)  # sig"])
    XCTAssertEqual(graph.outputs.map(\.name), ["y"])
    XCTAssertNoThrow(try graph.verify())

    // A graph output cannot be renamed onto a graph input.
    XCTAssertFalse(editor.replaceAllUses(of: "y", with: "x"))
    XCTAssertEqual(editor.graph.outputs.map(\.name), ["y"])
  }

  func testWeightsCanBeAddedReplacedAndDroppedWhenUnused() throws {
    var editor = try GraphEditor(try makeMLP())
    let name = editor.addWeight(TensorData([1], shape: [1]), named: "fc1.weight")
    XCTAssertEqual(name, "fc1.weight_1", "names never collide")
    XCTAssertEqual(editor.type(of: name), t(.f32, 1))
    editor.setWeight(name, to: TensorData([2], shape: [1]))
    XCTAssertEqual(editor.constant(name)?.floats(), [2])
    XCTAssertTrue(editor.isScalarConstant(name, equalTo: 2))
    XCTAssertEqual(editor.removeUnusedWeights(), 1)
    XCTAssertNil(editor.constant(name))
    XCTAssertEqual(editor.graph.weights.count, 4)
  }
}

final class NameAllocatorTests: XCTestCase {
  func testFreshNamesSkipTakenOnesAndCountPerBase() {
    var names = NameAllocator(reserving: ["fc1", "fc1_1"])
    XCTAssertEqual(names.fresh("fc1"), "fc1_2")
    XCTAssertEqual(names.fresh("fc1"), "fc1_3")
    XCTAssertEqual(names.fresh("relu"), "relu")
    XCTAssertEqual(names.fresh("relu"), "relu_1")
    XCTAssertFalse(names.reserve("relu_1"))
    XCTAssertTrue(names.reserve("relu_9"))
    XCTAssertTrue(names.contains("relu_9"))
  }

  func testPeekNamesWhatFreshWouldGiveWithoutTakingIt() {
    var names = NameAllocator(reserving: ["fc1", "fc1_1"])
    XCTAssertEqual(names.peek("fc1"), "fc1_2")
    XCTAssertEqual(names.peek("fc1"), "fc1_2")
    XCTAssertFalse(names.contains("fc1_2"))
    XCTAssertEqual(names.peek("relu"), "relu")
    XCTAssertEqual(names.fresh("fc1"), "fc1_2")
    XCTAssertEqual(names.peek("fc1"), "fc1_3")
  }

  func testManyNamesFromOneBaseStayUnique() {
    var names = NameAllocator()
    let all = (0..<5000).map { _ in names.fresh("n") }
    XCTAssertEqual(Set(all).count, 5000)
  }
}
