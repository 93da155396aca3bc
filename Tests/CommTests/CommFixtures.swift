import Comm
import Foundation
import V2XCore
import V2XTestSupport

/// Small synthetic inputs shared by the Comm tests: a 32 × 32 grid, 8 channels, a
/// 2-subspace codebook of 16 codes, and two agents' keys.
enum CommFixtures {
    static let grid = try! BEVGrid(minX: -6.4, maxX: 6.4, minY: -6.4, maxY: 6.4, cellSizeMeters: 0.4)
    static let channels = 8

    /// Blob-like features: a few Gaussian bumps, each with its own channel signature.
    static func features(seed: UInt64) -> (FeatureMap, [Float]) {
        var rng = SeededGenerator(seed: seed)
        var map = FeatureMap(height: grid.height, width: grid.width, channels: channels)
        var confidence = [Float](repeating: 0, count: grid.cellCount)
        for _ in 0..<4 {
            let cr = Double.random(in: 4..<28, using: &rng), cc = Double.random(in: 4..<28, using: &rng)
            let signature = (0..<channels).map { _ in Float.random(in: -1...1, using: &rng) }
            for r in 0..<grid.height {
                for c in 0..<grid.width {
                    let w = Float(exp(-((Double(r) - cr) * (Double(r) - cr) + (Double(c) - cc) * (Double(c) - cc)) / 8))
                    confidence[r * grid.width + c] = max(confidence[r * grid.width + c], w)
                    for k in 0..<channels { map[r, c, k] += w * signature[k] }
                }
            }
        }
        return (map, confidence)
    }

    static let codebook: FeatureCodebook = {
        var vectors: [Float] = []
        for seed in 0..<4 as Range<UInt64> { vectors += features(seed: seed).0.values }
        return try! FeatureCodebook.train(
            id: "test-pq", modelID: "synthetic", vectors: vectors, count: vectors.count / channels,
            channels: channels, codesPerCell: 2, codesPerBook: 16, iterations: 10, seed: 7)
    }()

    static let keys = try! LaunchKeys.generate(agentIDs: ["cav-1", "rsu-2", "cav-3"])

    static func identity(_ id: String) -> SigningIdentity { keys.identities.first { $0.agentID == id }! }

    static let now = Timestamp(nanoseconds: 1_700_000_000_000_000_000)

    static func message(agent: String = "cav-1", sequence: UInt64 = 1, time: Timestamp = now, cells: [Int] = [0, 1, 2, 40, 1023]) -> BEVMessage {
        BEVMessage(
            agentID: agent, agentKind: agent.hasPrefix("rsu") ? .roadsideUnit : .vehicle, sequence: sequence,
            captureTime: Timestamp(nanoseconds: time.nanoseconds - 30_000_000), sendTime: time,
            pose: Pose(x: 10, y: -3, z: 1.8, roll: 0.01, pitch: -0.02, yaw: 1.2),
            poseCovarianceUpper: (0..<21).map { Float($0) * 0.01 },
            grid: grid, channels: channels, codebook: codebook.reference,
            cellIndices: cells, codes: (0..<(cells.count * 2)).map { UInt32($0 % 16) },
            confidenceU8: cells.map { UInt8($0 % 256) },
            boxes: [Box3D(x: 5, y: 1, z: 0.8, l: 4.5, w: 1.9, h: 1.6, yaw: 0.3, score: 0.9, label: .car)])
    }

    static func gate(policy: MessageGate.Policy = MessageGate.Policy()) -> MessageGate {
        try! MessageGate(keyring: keys.keyring, policy: policy)
    }
}
