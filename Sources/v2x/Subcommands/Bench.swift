import ArgumentParser

/// `v2x bench …`: benchmarks that print figures and, where a peer exists, the ratio to
/// it measured in the same run. Each benchmark is its own subcommand file `Bench<Name>.swift`.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks that print figures and ratios to a peer measured in the same run.",
        subcommands: [BenchIO.self, BenchGenerate.self, BenchEval.self, BenchPipeline.self, BenchKernels.self, BenchComm.self]
    )
}
