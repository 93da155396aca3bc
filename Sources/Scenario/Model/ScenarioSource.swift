/// Anything that yields cooperative frames: an OPV2V scenario folder, a DAIR-V2X-C pair
/// list, or a generated scenario. Frames are loaded lazily, one at a time.
public protocol ScenarioSource: Sendable {
    /// A name for reports and detection files (the scenario folder name for OPV2V).
    var name: String { get }
    /// Agent ids in the order the dataset's reference tooling uses; the first one that
    /// is a vehicle is the default ego.
    var agentIDs: [String] { get }
    /// Frame names in time order.
    var frameIDs: [String] { get }
    /// Loads one frame.
    /// - Throws: `V2XError` naming the file that is missing or malformed.
    func frame(at index: Int) throws -> ScenarioFrame
    /// Loads one frame with only the agents in `agents` (those present at it), in the same
    /// order: what a node that needs its own sweep reads. Sources that store agents apart
    /// read only theirs.
    /// - Throws: as ``frame(at:)``, for the agents read.
    func frame(at index: Int, agents: Set<String>) throws -> ScenarioFrame
}

extension ScenarioSource {
    /// Loads the whole frame and keeps `agents`.
    public func frame(at index: Int, agents: Set<String>) throws -> ScenarioFrame {
        var frame = try frame(at: index)
        frame.agents.removeAll { !agents.contains($0.agentID) }
        return frame
    }
}
