import Foundation

import V2XCore

/// Reads detection files (DESIGN.md, "Detections and ground truth") for scoring.
public enum DetectionsFile {
    /// Reads detections and checks every box: finite values, positive size, a score in [0, 1].
    /// - Throws: `V2XError` naming the file and the 1-based line of the first bad record.
    public static func read(from url: URL) throws -> [FrameBoxes] {
        try BoxesLineDecoder.read(from: url).map { numbered in
            let record = numbered.value.record
            for box in record.boxes {
                if let problem = FrameBoxesValidation.problem(with: box, requireScore: true) {
                    throw V2XError(.malformedData, "frame \(record.frame): \(problem)", path: url.path, line: numbered.line)
                }
            }
            return record
        }
    }
}
