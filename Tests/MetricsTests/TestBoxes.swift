import V2XCore

/// Small builders for hand-made evaluation cases.
enum TestBoxes {
    /// A 4 m × 2 m car at (x, y), heading 0, with an optional score.
    static func car(_ x: Double, _ y: Double, score: Double? = nil, yaw: Double = 0, label: ObjectClass = .car) -> Box3D {
        Box3D(x: x, y: y, z: 0, l: 4, w: 2, h: 1.5, yaw: yaw, score: score, label: label)
    }

    static func frame(_ name: String, _ boxes: [Box3D], scenario: String = "s", ego: String = "1") -> FrameBoxes {
        FrameBoxes(scenario: scenario, frame: name, ego: ego, timestamp: Timestamp(nanoseconds: 0), boxes: boxes)
    }
}
