import ArgumentParser

/// The `ttc` command line: inspect, run, profile and draw TinyTorch model files.
@main
struct TTC: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ttc",
    abstract: "The TinyTorch graph compiler and runtime.",
    discussion: """
      Works on model files (model.json plus its .safetensors weights) written by \
      TinyTorch's tracer or ModelFile.save.

      Examples:
        ttc inspect mlp.json
        ttc run mlp.json --input x.npy --output y.npy
        ttc profile mlp.json --input x.npy --runs 20 --trace trace.json
        ttc graph mlp.json -o mlp.dot && dot -Tsvg mlp.dot > mlp.svg
        ttc compile mlp.json -o mlp.so          # -O2: exact graph passes + fusion
        ttc passes                              # every graph pass and -O level
        ttc run mlp.json --compiled mlp.so --input x.npy --output y.npy
        ttc bench mlp.json --batch 64
        ttc diff mlp.json
      """,
    subcommands: [
      InspectCommand.self, RunCommand.self, ProfileCommand.self, GraphCommand.self, CompileCommand.self,
      BenchCommand.self, DiffCommand.self, CacheCommand.self, PassesCommand.self, PeakCommand.self,
    ])
}
