import Foundation
import Scenario
import V2XCore

/// Opens what a user passes as "data": one scenario, or a split folder with one scenario per
/// subfolder (`v2x generate --splits` writes `DIR/<split>/<preset>_s<seed>/`).
enum SplitFolder {
    /// The scenarios at `url`, in folder-name order.
    /// - Throws: the loader's `V2XError` when `url` is neither a scenario nor a folder of them.
    static func open(_ url: URL) throws -> [any ScenarioSource] {
        do {
            return [try ScenarioLoader.open(url)]
        } catch let error as V2XError where error.code == .unsupportedFormat {
            return try OPV2VDataset(directory: url).scenarios()
        }
    }
}
