/// How many LiDAR returns fall inside a ground-truth box: in the ego's own sweep, and
/// summed over all agents' sweeps (the counts `CooperativeGroundTruth` computes).
///
/// In a ground-truth JSON Lines file they ride along as the optional box keys
/// `"ego_points"` and `"total_points"` (see `GroundTruthFile`).
public struct BoxVisibility: Sendable, Equatable, Hashable, Codable {
    /// Returns inside the box in the ego's sweep.
    public var egoPoints: Int
    /// Returns inside the box over all agents' sweeps (≥ `egoPoints`).
    public var totalPoints: Int

    public init(egoPoints: Int, totalPoints: Int) {
        self.egoPoints = egoPoints
        self.totalPoints = totalPoints
    }

    /// The ego sees the object itself (`egoPoints > 0`); otherwise only a collaborator does.
    public var isEgoVisible: Bool { egoPoints > 0 }

    enum CodingKeys: String, CodingKey {
        case egoPoints = "ego_points"
        case totalPoints = "total_points"
    }
}
