import V2XCore

/// The ground truth of one ego frame: the boxes (in the detections file format) and, where
/// known, each box's visibility.
public struct GroundTruthFrame: Sendable, Equatable {
    /// Scenario, frame, ego, timestamp and boxes in the ego LiDAR frame.
    public var record: FrameBoxes
    /// Parallel to `record.boxes`: the visibility of each box, or nil when unknown.
    public private(set) var visibility: [BoxVisibility?]

    /// Ground truth without visibility (e.g. from a plain detections-format file).
    public init(record: FrameBoxes) {
        self.record = record
        visibility = Array(repeating: nil, count: record.boxes.count)
    }

    /// Ground truth with per-box visibility.
    /// - Throws: `V2XError.shapeMismatch` when `visibility` and `record.boxes` differ in length.
    public init(record: FrameBoxes, visibility: [BoxVisibility?]) throws {
        guard visibility.count == record.boxes.count else {
            throw V2XError(.shapeMismatch, "frame \(record.frame): \(record.boxes.count) boxes but \(visibility.count) visibility entries")
        }
        self.record = record
        self.visibility = visibility
    }
}
