import Foundation
import V2XCore

/// Everything that fixes a detector's shape and decoding, stored as `config.json` next to
/// the weights (`models/<name>/config.json`).
///
/// The network (strides relative to the input grid):
/// ```
/// points ─ pillarize (grid cells) ─ linear 9→P, ReLU, max per pillar ─ scatter   (H, W, P)
///   stage 1: conv3×3 s2 P→C1, ReLU, then (stage1Convs−1) × conv3×3 C1→C1, ReLU     (H/2, W/2, C1)
///   stage 2: conv3×3 s2 C1→C2, ReLU, then (stage2Convs−1) × conv3×3 C2→C2, ReLU     (H/4, W/4, C2)
///   neck:    2×2 transposed conv s2 C2→U, ReLU; concat with stage 1                   (H/2, W/2, C1+U)   ← BEVFeatures
///   head:    conv3×3 (C1+U)→Ch, ReLU; conv1×1 Ch→(K + 8)                              (H/2, W/2, K+8)
/// ```
/// Head channels: `K` class heatmap logits, then `[dx, dy, z, log l, log w, log h, sin, cos]` of
/// the heading as `headingCode` says.
public struct DetectorConfig: Sendable, Codable, Equatable {
    /// How the last two regression channels encode a box's yaw.
    public enum HeadingCode: String, Sendable, Codable, Equatable {
        /// `sin yaw, cos yaw`: the direction the box faces, over 2π.
        case direction
        /// `sin 2·yaw, cos 2·yaw`: the box's long axis only, over π. A LiDAR return barely tells
        /// a car's front from its back, and an L1 loss on `sin, cos yaw` with both answers in the
        /// data pulls the prediction toward zero, leaving the decoded yaw to noise; box IoU does
        /// not depend on the direction, so detection loses nothing by dropping it.
        case axis
    }

    /// Bumped when the file layout changes: format 2 added `headingCode` (format 1 files are `direction`).
    public var formatVersion: Int
    /// The input BEV grid (the pillar grid) in the sensor frame.
    public var grid: BEVGrid
    /// Points with `z` outside `[minZMeters, maxZMeters]` (sensor frame) are ignored.
    public var minZMeters: Double
    public var maxZMeters: Double
    /// Detected categories, one heatmap channel each, in this order.
    public var classes: [ObjectCategory]
    public var pillarChannels: Int
    public var stage1Channels: Int
    public var stage1Convs: Int
    public var stage2Channels: Int
    public var stage2Convs: Int
    public var upsampleChannels: Int
    public var headChannels: Int
    /// Heatmap peaks kept before NMS.
    public var maxDetections: Int
    /// Peaks below this score (sigmoid of the heatmap) are dropped.
    public var scoreThreshold: Double
    /// Boxes overlapping a higher-scored box of the same class by more than this BEV IoU are suppressed.
    public var nmsIoUThreshold: Double
    /// How the head encodes yaw.
    public var headingCode: HeadingCode

    /// The newest file layout.
    public static let currentFormatVersion = 2

    /// The shipped default: ±51.2 m at 0.4 m, vehicles, sized for ≤ 60 ms on 2 cores; NMS at
    /// BEV IoU 0.5 (chosen on val: the heatmap's peaks already keep one box per object, and
    /// 0.1 suppressed neighbouring cars whose boxes touched).
    public static let `default` = DetectorConfig(
        grid: .default, minZMeters: -10, maxZMeters: 6, classes: [.vehicle],
        pillarChannels: 32, stage1Channels: 32, stage1Convs: 2, stage2Channels: 64, stage2Convs: 3,
        upsampleChannels: 32, headChannels: 32, maxDetections: 100, scoreThreshold: 0.1, nmsIoUThreshold: 0.5
    )

    public init(
        formatVersion: Int = currentFormatVersion, grid: BEVGrid, minZMeters: Double, maxZMeters: Double, classes: [ObjectCategory],
        pillarChannels: Int, stage1Channels: Int, stage1Convs: Int, stage2Channels: Int, stage2Convs: Int,
        upsampleChannels: Int, headChannels: Int, maxDetections: Int, scoreThreshold: Double, nmsIoUThreshold: Double,
        headingCode: HeadingCode = .axis
    ) {
        self.formatVersion = formatVersion; self.grid = grid
        self.minZMeters = minZMeters; self.maxZMeters = maxZMeters; self.classes = classes
        self.pillarChannels = pillarChannels
        self.stage1Channels = stage1Channels; self.stage1Convs = stage1Convs
        self.stage2Channels = stage2Channels; self.stage2Convs = stage2Convs
        self.upsampleChannels = upsampleChannels; self.headChannels = headChannels
        self.maxDetections = maxDetections; self.scoreThreshold = scoreThreshold; self.nmsIoUThreshold = nmsIoUThreshold
        self.headingCode = headingCode
    }

    private enum CodingKeys: String, CodingKey {
        case formatVersion, grid, minZMeters, maxZMeters, classes, pillarChannels, stage1Channels, stage1Convs
        case stage2Channels, stage2Convs, upsampleChannels, headChannels, maxDetections, scoreThreshold, nmsIoUThreshold
        case headingCode
    }

    /// Decodes any known format; a format 1 file, written before `headingCode` existed, encodes `direction`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        formatVersion = try c.decode(Int.self, forKey: .formatVersion)
        grid = try c.decode(BEVGrid.self, forKey: .grid)
        minZMeters = try c.decode(Double.self, forKey: .minZMeters)
        maxZMeters = try c.decode(Double.self, forKey: .maxZMeters)
        classes = try c.decode([ObjectCategory].self, forKey: .classes)
        pillarChannels = try c.decode(Int.self, forKey: .pillarChannels)
        stage1Channels = try c.decode(Int.self, forKey: .stage1Channels)
        stage1Convs = try c.decode(Int.self, forKey: .stage1Convs)
        stage2Channels = try c.decode(Int.self, forKey: .stage2Channels)
        stage2Convs = try c.decode(Int.self, forKey: .stage2Convs)
        upsampleChannels = try c.decode(Int.self, forKey: .upsampleChannels)
        headChannels = try c.decode(Int.self, forKey: .headChannels)
        maxDetections = try c.decode(Int.self, forKey: .maxDetections)
        scoreThreshold = try c.decode(Double.self, forKey: .scoreThreshold)
        nmsIoUThreshold = try c.decode(Double.self, forKey: .nmsIoUThreshold)
        headingCode = formatVersion >= 2 ? try c.decode(HeadingCode.self, forKey: .headingCode) : .direction
    }

    /// Number of regression channels after the heatmap: `[dx, dy, z, log l, log w, log h, sin, cos]`.
    public static let regressionChannels = 8

    /// Channels of the shared feature map (`BEVFeatures`).
    public var featureChannels: Int { stage1Channels + upsampleChannels }
    /// Channels of the head output: heatmaps then regression.
    public var headOutputChannels: Int { classes.count + Self.regressionChannels }
    /// The grid of the feature map and head output: the input grid at twice the cell size.
    public var featureGrid: BEVGrid {
        // `validate()` guarantees the input grid is a whole number of doubled cells.
        (try? BEVGrid(minX: grid.minX, maxX: grid.maxX, minY: grid.minY, maxY: grid.maxY, cellSizeMeters: 2 * grid.cellSizeMeters)) ?? grid
    }

    /// Checks every field.
    /// - Throws: `V2XError.invalidArgument` (or `.unsupportedFormat` for an unknown version) naming the field.
    public func validate(path: String? = nil) throws {
        func fail(_ message: String) -> V2XError { V2XError(.invalidArgument, "model config: \(message)", path: path) }
        guard (1...Self.currentFormatVersion).contains(formatVersion) else {
            throw V2XError(.unsupportedFormat, "model config format \(formatVersion) is not 1...\(Self.currentFormatVersion)", path: path)
        }
        guard formatVersion >= 2 || headingCode == .direction else {
            throw fail("format 1 has no headingCode: it is always direction")
        }
        // A decoded BEVGrid bypasses its initializer: rebuild it to check the derived sizes.
        let rebuilt: BEVGrid
        do {
            rebuilt = try BEVGrid(minX: grid.minX, maxX: grid.maxX, minY: grid.minY, maxY: grid.maxY, cellSizeMeters: grid.cellSizeMeters)
        } catch let error as V2XError {
            throw fail("grid: \(error.message)")
        }
        guard rebuilt == grid else { throw fail("grid width/height do not match its extent and cell size") }
        guard grid.width % 4 == 0, grid.height % 4 == 0 else {
            throw fail("grid \(grid.width)×\(grid.height) cells must be divisible by 4 (two stride-2 stages)")
        }
        guard minZMeters.isFinite, maxZMeters.isFinite, maxZMeters > minZMeters else {
            throw fail("z range [\(minZMeters), \(maxZMeters)] is empty or not finite")
        }
        guard !classes.isEmpty, Set(classes).count == classes.count else { throw fail("classes must be non-empty and distinct") }
        let widths = [pillarChannels, stage1Channels, stage2Channels, upsampleChannels, headChannels]
        guard widths.allSatisfy({ $0 > 0 && $0 <= 1024 }) else { throw fail("channel counts must be in 1...1024, got \(widths)") }
        guard stage1Convs >= 1, stage1Convs <= 16, stage2Convs >= 1, stage2Convs <= 16 else {
            throw fail("stage conv counts must be in 1...16")
        }
        guard maxDetections > 0, maxDetections <= 10_000 else { throw fail("maxDetections \(maxDetections) outside 1...10000") }
        guard scoreThreshold >= 0, scoreThreshold < 1 else { throw fail("scoreThreshold \(scoreThreshold) outside [0, 1)") }
        guard nmsIoUThreshold > 0, nmsIoUThreshold <= 1 else { throw fail("nmsIoUThreshold \(nmsIoUThreshold) outside (0, 1]") }
    }
}
