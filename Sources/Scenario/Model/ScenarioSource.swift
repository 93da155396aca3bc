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
}
