import ArgumentParser
import Perception

/// The `v2x` command: lists the subcommands, each in `Subcommands/<Name>.swift`.
@main
struct V2X: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "v2x",
        abstract: "Cooperative perception for connected vehicles: replay, run agents, evaluate.",
        subcommands: [Generate.self, Inspect.self, Replay.self, Eval.self, ExportGT.self, Render.self, Train.self, TrainFusion.self, TrainRescorer.self, Codebook.self, Quantize.self, NodeCommand.self, Launch.self, Keygen.self, Bench.self]
    )

    /// Gets OpenBLAS onto this CPU's vector kernels with workers that sleep between calls, and
    /// sets up the allocator, before anything runs (see `OpenBLASCore`, `OpenBLASWorkerTimeout`
    /// and `AllocatorTuning`).
    static func main() async {
        var settings = [OpenBLASWorkerTimeout.environmentVariable: OpenBLASWorkerTimeout.sleepAtOnce]
        if let core = OpenBLASCore.recommendedForThisCPU { settings[OpenBLASCore.environmentVariable] = core }
        ProcessEnvironment.reexecuting(with: settings)
        AllocatorTuning.retainLargeBuffers()
        await main(nil)
    }
}
