import Foundation
@testable import Scenario
import Testing
import V2XCore
import V2XTestSupport

/// Bounded randomized damage to valid files: every outcome must be a cloud or a `V2XError`.
@Suite struct PCDFuzzTests {
    /// Decodes `bytes`; records whether it returned or threw a `V2XError` (anything else fails).
    private func survive(_ bytes: [UInt8], _ counts: inout (returned: Int, threw: Int)) {
        do {
            let cloud = try PCDFile.decode(Data(bytes), path: "fuzz.pcd", options: .init(dropNonFinite: false))
            #expect(cloud.x.count == cloud.intensity.count)
            counts.returned += 1
        } catch is V2XError {
            counts.threw += 1
        } catch {
            Issue.record("not a V2XError: \(error)")
        }
    }

    @Test(arguments: PCDEncoding.allCases)
    func truncationsAndByteFlipsNeverCrash(encoding: PCDEncoding) throws {
        var rng = SeededGenerator(seed: 0xF022 &+ UInt64(encoding.rawValue.count))
        // Repetitive coordinates so the LZF stream holds back-references worth corrupting.
        var cloud = try PCDTestHelpers.sampleCloud(points: 60, seed: 3)
        cloud.append(contentsOf: try PointCloud(
            x: .init(repeating: 1.5, count: 40), y: .init(repeating: -2, count: 40), z: .init(repeating: 0, count: 40),
            intensity: (0..<40).map { Float($0 % 4) / 4 }))
        let valid = try PCDFile.encode(cloud, encoding: encoding, layout: .xyzIntensity, path: "fuzz.pcd")
        var counts = (returned: 0, threw: 0)
        for _ in 0..<1_500 {
            survive(Array(valid.prefix(Int.random(in: 0..<valid.count, using: &rng))), &counts)
        }
        for _ in 0..<1_500 {
            var damaged = valid
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                // Half the flips land in the header, which is where most of the structure lives.
                let inHeader = Bool.random(using: &rng)
                let index = inHeader ? Int.random(in: 0..<300, using: &rng) : Int.random(in: 0..<damaged.count, using: &rng)
                damaged[index] = Bool.random(using: &rng) ? UInt8.random(in: 0...255, using: &rng) : damaged[index] ^ (1 << UInt8.random(in: 0..<8, using: &rng))
            }
            survive(damaged, &counts)
        }
        #expect(counts.returned + counts.threw == 3_000)
        #expect(counts.threw > 0 && counts.returned > 0)  // both outcomes were exercised
    }
}
