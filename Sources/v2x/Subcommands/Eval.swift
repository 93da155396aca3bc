import ArgumentParser

/// `v2x eval`: scoring. `v2x eval --pred …` (the default, `score`) scores one detections
/// file; `v2x eval sweep` replays a grid of settings and writes the results table.
struct Eval: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score detections (default: `score`), or sweep settings into a results table (`sweep`).",
        subcommands: [EvalScore.self, EvalSweep.self],
        defaultSubcommand: EvalScore.self
    )
}
