import ArgumentParser
import Perception

/// The `v2x` command: lists the subcommands, each in `Subcommands/<Name>.swift`.
@main
struct V2X: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "v2x",
        abstract: "Cooperative perception for connected vehicles: replay, run agents, evaluate.",
        subcommands: [Generate.self, Inspect.self, Replay.self, Eval.self, ExportGT.self, Render.self, Train.self, TrainFusion.self, Codebook.self, Quantize.self, NodeCommand.self, Launch.self, Keygen.self, Bench.self]
    )

    /// Gets OpenBLAS onto this CPU's vector kernels and sets up the allocator before anything
    /// runs (see `OpenBLASCore` and `AllocatorTuning`).
    static func main() async {
        if let core = OpenBLASCore.recommendedForThisCPU {
            ProcessEnvironment.reexecuting(with: [OpenBLASCore.environmentVariable: core])
        }
        AllocatorTuning.retainLargeBuffers()
        await main(nil)
    }
}
