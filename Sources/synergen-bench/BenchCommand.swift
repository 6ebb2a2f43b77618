import ArgumentParser

@main
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synergen-bench",
        abstract: "Benchmarks of the pipeline's stages; scripts/bench_*.py run them beside the Python reference.",
        subcommands: [DecodeBench.self, PreprocessBench.self, DCTViewsBench.self, TextBench.self, VQBench.self, PackBench.self, PackGroupsBench.self]
    )
}
