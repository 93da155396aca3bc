import Foundation
import V2XCore

/// Turns the head output into boxes: heatmap peaks (3×3 local maxima), top-k by score,
/// score threshold, box decoding, rotated NMS.
///
/// Head output layout `(H, W, K + 8)` channels-last: `K` class logits, then the `BoxCoder` code.
public struct HeatmapDecoder: Sendable, Equatable {
    public let coder: BoxCoder
    public let classes: [ObjectCategory]
    public let maxDetections: Int
    public let scoreThreshold: Double
    public let nms: RotatedNMS

    /// - Throws: `V2XError.invalidArgument` for an invalid config.
    public init(config: DetectorConfig) throws {
        try config.validate()
        coder = BoxCoder(grid: config.featureGrid, heading: config.headingCode)
        classes = config.classes
        maxDetections = config.maxDetections
        scoreThreshold = config.scoreThreshold
        nms = try RotatedNMS(iouThreshold: config.nmsIoUThreshold)
    }

    /// The label written for a detected category.
    public static func label(for category: ObjectCategory) -> ObjectClass {
        switch category {
        case .vehicle: .car
        case .pedestrian: .pedestrian
        case .cyclist: .cyclist
        }
    }

    /// Boxes `(N, 7) [x, y, z, l, w, h, yaw]` with scores, in the sensor frame, best first.
    /// - Throws: `V2XError.shapeMismatch` when the head output does not fit the grid and classes.
    public func decode(_ head: FeatureMap) throws -> [Box3D] {
        let k = classes.count, channels = k + DetectorConfig.regressionChannels
        guard head.channels == channels, head.height == coder.grid.height, head.width == coder.grid.width else {
            throw V2XError(.shapeMismatch, "head output \(head.height)×\(head.width)×\(head.channels), expected \(coder.grid.height)×\(coder.grid.width)×\(channels)")
        }
        // Threshold on logits: sigmoid is monotone, so peaks and ranking are unchanged.
        let clamped = min(max(scoreThreshold, 1e-6), 1 - 1e-6)
        let logitThreshold = Float(log(clamped / (1 - clamped)))
        let h = head.height, w = head.width
        var peaks: [(logit: Float, row: Int, column: Int, cls: Int)] = []
        head.values.withUnsafeBufferPointer { v in
            for r in 0..<h {
                for c in 0..<w {
                    for cls in 0..<k {
                        let value = v[(r * w + c) * channels + cls]
                        guard value.isFinite, value >= logitThreshold else { continue }
                        var isPeak = true
                        search: for dr in -1...1 {
                            for dc in -1...1 where dr != 0 || dc != 0 {
                                let rr = r + dr, cc = c + dc
                                guard rr >= 0, rr < h, cc >= 0, cc < w else { continue }
                                let other = v[(rr * w + cc) * channels + cls]
                                // Ties go to the first cell in raster order so a plateau yields one peak.
                                if other > value || (other == value && (dr < 0 || (dr == 0 && dc < 0))) {
                                    isPeak = false
                                    break search
                                }
                            }
                        }
                        if isPeak { peaks.append((value, r, c, cls)) }
                    }
                }
            }
        }
        peaks.sort { $0.logit > $1.logit }
        if peaks.count > maxDetections { peaks.removeLast(peaks.count - maxDetections) }
        var boxes: [Box3D] = []
        boxes.reserveCapacity(peaks.count)
        for p in peaks {
            let base = (p.row * w + p.column) * channels + k
            let code = head.values[base..<(base + DetectorConfig.regressionChannels)]
            guard code.allSatisfy(\.isFinite) else { continue }
            let score = 1 / (1 + exp(-Double(p.logit)))
            boxes.append(coder.decode(row: p.row, column: p.column, code: code, score: score, label: Self.label(for: classes[p.cls])))
        }
        return nms.suppress(boxes)
    }
}
