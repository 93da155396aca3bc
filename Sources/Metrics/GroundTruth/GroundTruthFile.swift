import Foundation

import V2XCore

/// Reads and writes ground truth as JSON Lines in the detections format (DESIGN.md), with
/// optional per-box visibility.
///
/// A box may carry two extra integer keys, both or neither:
/// ```
/// {"scenario":"…","frame":"000068","ego":"1","timestamp_ns":…,
///  "boxes":[{"x":…,"y":…,"z":…,"l":…,"w":…,"h":…,"yaw":…,"label":"car",
///            "ego_points":0,"total_points":37}]}
/// ```
/// `ego_points` counts the LiDAR returns inside the box in the ego's sweep, `total_points`
/// over all agents' sweeps. Plain `FrameBoxes` decoding ignores unknown keys, so such a
/// file stays readable by `FrameBoxesFile.read`; a plain detections-format file reads here
/// with unknown visibility.
public enum GroundTruthFile {
    /// Reads a ground-truth file.
    /// - Throws: `V2XError` naming the file and line of the first bad record: malformed
    ///   JSON, a box with only one of the two visibility keys, negative counts or
    ///   `ego_points > total_points`, non-finite or non-positive box values.
    public static func read(from url: URL) throws -> [GroundTruthFrame] {
        try BoxesLineDecoder.read(from: url).map { numbered in
            let line = numbered.value
            for box in line.record.boxes {
                if let problem = FrameBoxesValidation.problem(with: box, requireScore: false) {
                    throw V2XError(.malformedData, "frame \(line.record.frame): \(problem)", path: url.path, line: numbered.line)
                }
            }
            for v in line.visibility.compactMap({ $0 }) where v.egoPoints < 0 || v.egoPoints > v.totalPoints {
                throw V2XError(
                    .malformedData, "frame \(line.record.frame): need 0 ≤ ego_points ≤ total_points, got \(v.egoPoints) and \(v.totalPoints)",
                    path: url.path, line: numbered.line
                )
            }
            return try GroundTruthFrame(record: line.record, visibility: line.visibility)
        }
    }

    /// Writes ground-truth frames, one per line, with the visibility keys on boxes whose
    /// visibility is known. Replaces the file atomically.
    /// - Throws: `V2XError.nonFiniteValue` for a non-finite box value, `.ioFailure` when
    ///   the file cannot be written.
    public static func write(_ frames: [GroundTruthFrame], to url: URL) throws {
        for frame in frames {
            for box in frame.record.boxes where ![box.x, box.y, box.z, box.l, box.w, box.h, box.yaw].allSatisfy(\.isFinite) {
                throw V2XError(.nonFiniteValue, "box in frame \(frame.record.frame) has a non-finite value", path: url.path)
            }
        }
        try JSONLines.write(frames.map { Line(record: $0.record, visibility: $0.visibility) }, to: url)
    }

    /// One line to write: a `FrameBoxes` whose boxes may carry visibility keys (reading
    /// goes through `BoxesLineDecoder`).
    struct Line: Encodable, Sendable {
        var record: FrameBoxes
        var visibility: [BoxVisibility?]

        init(record: FrameBoxes, visibility: [BoxVisibility?]) {
            self.record = record
            self.visibility = visibility
        }

        enum Keys: String, CodingKey { case scenario, frame, ego, boxes, timestamp = "timestamp_ns" }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(record.scenario, forKey: .scenario)
            try c.encode(record.frame, forKey: .frame)
            try c.encode(record.ego, forKey: .ego)
            try c.encode(record.timestamp, forKey: .timestamp)
            try c.encode(zip(record.boxes, visibility).map { Box(box: $0, visibility: $1) }, forKey: .boxes)
        }
    }

    /// A box object: the `Box3D` keys plus the optional visibility keys.
    struct Box: Encodable, Sendable {
        var box: Box3D
        var visibility: BoxVisibility?

        init(box: Box3D, visibility: BoxVisibility?) {
            self.box = box
            self.visibility = visibility
        }

        func encode(to encoder: any Encoder) throws {
            try box.encode(to: encoder)
            if let visibility {
                var c = encoder.container(keyedBy: BoxVisibility.CodingKeys.self)
                try c.encode(visibility.egoPoints, forKey: .egoPoints)
                try c.encode(visibility.totalPoints, forKey: .totalPoints)
            }
        }
    }
}
