import Foundation
import TTIR

/// A small model file `<name>.json` in `directory`: x[2, 4] → exp → log → relu → linear[4, 3].
@discardableResult
func writeSmallModel(_ name: String, in directory: URL, bias: Float = 0.5) throws -> String {
  var builder = GraphBuilder(name: name)
  let x = builder.input("x", .f32, [2, 4])
  let logged = builder.add(.log, [builder.add(.exp, [x], name: "exp")], name: "log")
  let weight = builder.weight("fc.weight", TensorData((0..<12).map { Float($0) / 10 - 0.5 }, shape: [4, 3]))
  let biasValue = builder.weight("fc.bias", TensorData([bias, -bias, 0], shape: [3]))
  builder.output(
    builder.add(.linear, [builder.add(.relu, [logged], name: "relu"), weight, biasValue], name: "fc"))
  try ModelFile.save(try builder.build(), to: directory.appendingPathComponent("\(name).json"))
  return "\(name).json"
}

/// Writes an executable shell script.
func writeScript(_ text: String, to url: URL) throws {
  try text.write(to: url, atomically: true, encoding: .utf8)
  try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
}
