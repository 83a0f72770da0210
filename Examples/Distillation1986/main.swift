// Knowledge distillation of the 1986 MLP: the trained 64 → 128 → 10 network (the teacher) teaches
// a 64 → 32 → 10 student (4× fewer parameters) through its temperature-softened outputs
// (`distillationLoss`, Hinton et al. 2015). The same student trained on the labels alone is the
// reference. Run: `swift run -c release distill-1986`.
import Foundation
import MilestoneSupport
import TinyTorch

runMilestone {
  let arguments = try Arguments(
    program: "distill-1986",
    options: [
      "data": dataOptionHelp(holding: "tinydigits/"),
      "epochs": "N  epochs for teacher and students (default 40)",
      "hidden": "N  the student's hidden units (default 32)",
      "temperature": "T  softening temperature (default 4)",
    ])
  let epochs = try arguments.integer("epochs", default: 40)
  let hidden = try arguments.integer("hidden", default: 32)
  let temperature = Float(try arguments.integer("temperature", default: 4))
  guard epochs > 0, hidden > 0, temperature > 0 else { throw MilestoneError("counts must be positive") }
  let digits = try TinyDigits(dataOption: arguments.options["data"])
  let test = try DataLoader(digits.test, batchSize: 200)
  func loader() throws -> DataLoader {
    try DataLoader(digits.train, batchSize: 32, shuffle: true, seed: 1986)
  }
  func accuracy(_ model: Module) throws -> Double {
    Double(
      try Trainer(model: model, optimizer: SGD(model.parameters(), learningRate: 0), loss: Loss.crossEntropy)
        .evaluate(test).accuracy!)
  }
  func trainOnLabels(_ model: Module) throws {
    let trainer = Trainer(
      model: model, optimizer: Adam(model.parameters(), learningRate: 2e-3), loss: Loss.crossEntropy,
      schedule: CosineSchedule(maxLearningRate: 2e-3, totalEpochs: epochs))
    _ = try trainer.fit(try loader(), epochs: epochs)
  }

  let teacher = DigitMLP(seed: 1986)
  try trainOnLabels(teacher)
  let scratch = DigitMLP(hiddenUnits: hidden, seed: 7)
  try trainOnLabels(scratch)
  let student = DigitMLP(hiddenUnits: hidden, seed: 7)
  let losses = try distill(
    student: student, teacher: teacher, train: try loader(), epochs: epochs, learningRate: 2e-3,
    temperature: temperature, alpha: 0.7)
  let (teacherAccuracy, scratchAccuracy, studentAccuracy) = (
    try accuracy(teacher), try accuracy(scratch), try accuracy(student)
  )
  print(
    "teacher 64 → 128 → 10: \(teacher.parameterCount) parameters, test accuracy \(rounded(100 * teacherAccuracy, 1))%"
  )
  print(
    "student 64 → \(hidden) → 10 (\(student.parameterCount) parameters): labels only \(rounded(100 * scratchAccuracy, 1))%, "
      + "distilled (T = \(temperature), α = 0.7) \(rounded(100 * studentAccuracy, 1))%; "
      + "distillation loss \(rounded(losses.first!, 3)) → \(rounded(losses.last!, 3))")
  let passed = studentAccuracy >= 0.95
  print(passed ? "PASS: distilled student ≥ 95%" : "FAIL: distilled student below 95%")
  print(
    metricsLine([
      ("example", .string("distill-1986")), ("teacher_parameters", .int(teacher.parameterCount)),
      ("student_parameters", .int(student.parameterCount)),
      ("teacher_accuracy", .double(rounded(teacherAccuracy, 4))),
      ("student_labels_only_accuracy", .double(rounded(scratchAccuracy, 4))),
      ("student_distilled_accuracy", .double(rounded(studentAccuracy, 4))), ("epochs", .int(epochs)),
      ("temperature", .double(Double(temperature))), ("passed", .bool(passed)),
    ]))
  return passed
}
