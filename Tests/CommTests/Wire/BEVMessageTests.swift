import Comm
import Foundation
import Testing
import V2XCore

@Suite struct BEVMessageTests {
    @Test func payloadRoundTripsEveryField() throws {
        let original = CommFixtures.message()
        let parsed = try BEVMessage(payload: original.serializedPayload())
        #expect(parsed.agentID == original.agentID)
        #expect(parsed.agentKind == .vehicle)
        #expect(parsed.sequence == original.sequence)
        #expect(parsed.captureTime == original.captureTime && parsed.sendTime == original.sendTime)
        #expect(parsed.grid == original.grid && parsed.channels == original.channels)
        #expect(parsed.codebook == original.codebook)
        #expect(parsed.cellIndices == original.cellIndices)
        #expect(parsed.codes == original.codes)
        #expect(parsed.confidenceU8 == original.confidenceU8)
        #expect(parsed.poseCovarianceUpper == original.poseCovarianceUpper)
        for (a, b) in zip(parsed.pose.rotation + [parsed.pose.translation.x, parsed.pose.translation.y, parsed.pose.translation.z],
                          original.pose.rotation + [original.pose.translation.x, original.pose.translation.y, original.pose.translation.z]) {
            #expect(abs(a - b) < 1e-12)
        }
        #expect(parsed.boxes.count == 1 && parsed.boxes[0].label == .car && abs(parsed.boxes[0].yaw - 0.3) < 1e-6)
    }

    @Test func noConfidenceAndNoCellsRoundTrip() throws {
        var m = CommFixtures.message(cells: [])
        m.confidenceU8 = nil
        let parsed = try BEVMessage(payload: m.serializedPayload())
        #expect(parsed.cellIndices.isEmpty && parsed.codes.isEmpty && parsed.confidenceU8 == nil)
    }

    @Test func refusesToSerializeInconsistentFields() {
        var m = CommFixtures.message()
        m.codes.removeLast()
        #expect(throws: V2XError.self) { try m.serializedPayload() }
        m = CommFixtures.message()
        m.confidenceU8 = [1]
        #expect(throws: V2XError.self) { try m.serializedPayload() }
        m = CommFixtures.message()
        m.codes[0] = 16  // codebook has 16 codes of 4 bits
        #expect(throws: V2XError.self) { try m.serializedPayload() }
    }

    @Test func rejectsHostileHeaders() throws {
        var wire = try V2x_Wire_BEVMessage(serializedBytes: CommFixtures.message().serializedPayload())
        var huge = wire
        huge.grid.minXM = -1e300; huge.grid.maxXM = 1e300  // would trap BEVGrid's Int conversion
        var nanPose = wire
        nanPose.pose.yawRad = .nan
        var badHash = wire
        badHash.codebook.codebookHash = Data([1, 2, 3])
        var badKind = wire
        badKind.agentKind = .unspecified
        var noGrid = wire
        noGrid.clearGrid()
        wire.cells.count += 1
        for bad in [huge, nanPose, badHash, badKind, noGrid, wire] {
            let bytes = try [UInt8](bad.serializedBytes() as Data)
            #expect(throws: V2XError.self) { try BEVMessage(payload: bytes) }
        }
    }
}

@Suite struct BEVMessageConfidenceMapTests {
    @Test func sentConfidenceSpreadsOverTheGridAndIsAbsentWhenNotSent() {
        var message = BEVMessage(
            agentID: "cav-1", agentKind: .vehicle, sequence: 1, captureTime: CommFixtures.now, sendTime: CommFixtures.now,
            pose: .identity, grid: CommFixtures.grid, channels: CommFixtures.codebook.channels,
            codebook: CommFixtures.codebook.reference, cellIndices: [1, 3], codes: [], confidenceU8: [255, 51])
        let map = message.confidenceMap
        #expect(map?.count == CommFixtures.grid.cellCount)
        #expect(map?[1] == 1 && abs((map?[3] ?? 0) - 0.2) < 1e-6 && map?[0] == 0)
        message.confidenceU8 = nil
        #expect(message.confidenceMap == nil)
    }
}
