import ArgumentParser
import Logging

/// `--log-level`, shared by the commands that log: diagnostics go to standard error
/// through swift-log, results to standard output.
struct LoggingOptions: ParsableArguments {
    @Option(help: "Diagnostics on standard error: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    /// Installs the handler once per process and returns the command's logger.
    func makeLogger() -> Logger {
        LoggingBootstrap.once
        var logger = Logger(label: "v2x")
        logger.logLevel = logLevel
        return logger
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// Bootstraps swift-log with a standard-error stream handler, exactly once.
private enum LoggingBootstrap {
    static let once: Void = LoggingSystem.bootstrap(StreamLogHandler.standardError)
}
