import Comm
import Fusion
import V2XCore
import XCTest

final class CollaboratorInboxTests: XCTestCase {
    static let grid = try! BEVGrid(minX: -1.6, maxX: 1.6, minY: -1.6, maxY: 1.6, cellSizeMeters: 0.4)
    static let reference = CodebookReference(modelID: "m", codebookID: "c", hash: [UInt8](repeating: 1, count: 32), codeBits: 4, codesPerCell: 1)

    /// A message of `agent` captured at `ms` milliseconds.
    static func message(_ agent: String, ms: Int64, sequence: UInt64? = nil) -> BEVMessage {
        BEVMessage(
            agentID: agent, agentKind: .vehicle, sequence: sequence ?? UInt64(ms), captureTime: Timestamp(nanoseconds: ms * 1_000_000),
            sendTime: Timestamp(nanoseconds: ms * 1_000_000 + 5_000_000), pose: .identity, grid: grid, channels: 4,
            codebook: reference, cellIndices: [], codes: [])
    }

    static func at(_ ms: Int64) -> Timestamp { Timestamp(nanoseconds: ms * 1_000_000) }

    func testNewestMessageAtOrBeforeTheFrameWinsPerCollaborator() throws {
        var inbox = try CollaboratorInbox(maxAgeSeconds: 0.5)
        for ms: Int64 in [0, 100, 200] { inbox.insert(Self.message("a", ms: ms)) }
        inbox.insert(Self.message("b", ms: 100))
        inbox.insert(Self.message("a", ms: 300)) // later than the frame: kept for the next one
        let chosen = inbox.collect(for: Self.at(200))
        XCTAssertEqual(chosen.map(\.message.agentID), ["a", "b"])
        XCTAssertEqual(chosen[0].message.captureTime, Self.at(200))
        XCTAssertEqual(chosen[0].history.first?.captureTime, Self.at(100))
        XCTAssertEqual(chosen[0].ageSeconds, 0, accuracy: 1e-12)
        XCTAssertEqual(chosen[1].message.captureTime, Self.at(100))
        XCTAssertEqual(chosen[1].ageSeconds, 0.1, accuracy: 1e-9)
        XCTAssertEqual(inbox.discards[.superseded], 2) // a@0 and a@100 were never fused

        // The next frame gets the message that was ahead, with the one fused before first in its history.
        let next = inbox.collect(for: Self.at(300))
        XCTAssertEqual(next.first { $0.message.agentID == "a" }?.message.captureTime, Self.at(300))
        XCTAssertEqual(next.first { $0.message.agentID == "a" }?.history.first?.captureTime, Self.at(200))
        XCTAssertEqual(inbox.discards[.superseded], 2, "a message already fused or counted is not counted again")
    }

    func testADeliveryCarriesTheBoxesOfTheSendersEarlierMessagesNewestFirst() throws {
        var inbox = try CollaboratorInbox(maxAgeSeconds: 0.5, capacityPerSender: 2, historyDepth: 3)
        for ms: Int64 in [0, 100, 200, 300, 400, 500] {
            var message = Self.message("a", ms: ms)
            message.boxes = [Box3D(x: Double(ms) / 100, y: 0, z: 0, l: 4, w: 2, h: 1.5, yaw: 0, score: 0.9)]
            inbox.insert(message)
        }
        // Superseded and overflowed messages still lend their boxes to the history.
        let history = try XCTUnwrap(inbox.collect(for: Self.at(500)).first?.history)
        XCTAssertEqual(history.map(\.captureTime), [Self.at(400), Self.at(300), Self.at(200)])
        XCTAssertEqual(history.map { $0.boxes.first?.x }, [4, 3, 2])
    }

    func testFutureMessagesAreNotUsedForAnEarlierFrame() throws {
        var inbox = try CollaboratorInbox(maxAgeSeconds: 0.5)
        inbox.insert(Self.message("a", ms: 150))
        XCTAssertTrue(inbox.collect(for: Self.at(100)).isEmpty)
        XCTAssertEqual(inbox.senders, ["a"])
    }

    func testStaleMessagesAreDroppedAndCounted() throws {
        var inbox = try CollaboratorInbox(maxAgeSeconds: 0.25)
        inbox.insert(Self.message("a", ms: 0))
        inbox.insert(Self.message("a", ms: 100))
        XCTAssertTrue(inbox.collect(for: Self.at(400)).isEmpty, "300 ms old with a 250 ms limit")
        XCTAssertEqual(inbox.discards[.stale], 2)
        XCTAssertEqual(inbox.senders, [])
        // Exactly at the limit is still used.
        inbox.insert(Self.message("a", ms: 500))
        XCTAssertEqual(inbox.collect(for: Self.at(750)).count, 1)
    }

    func testAMessageIsReusedUntilItGoesStale() throws {
        var inbox = try CollaboratorInbox(maxAgeSeconds: 0.25)
        inbox.insert(Self.message("a", ms: 0))
        XCTAssertEqual(inbox.collect(for: Self.at(100)).first?.ageSeconds ?? -1, 0.1, accuracy: 1e-9)
        XCTAssertEqual(inbox.collect(for: Self.at(200)).first?.ageSeconds ?? -1, 0.2, accuracy: 1e-9)
        XCTAssertTrue(inbox.collect(for: Self.at(300)).isEmpty)
        XCTAssertNil(inbox.discards[.stale], "a message that was fused is not counted as dropped")
    }

    func testDuplicatesAndOverflowAreBoundedAndCounted() throws {
        var inbox = try CollaboratorInbox(maxAgeSeconds: 10, capacityPerSender: 3)
        inbox.insert(Self.message("a", ms: 100))
        inbox.insert(Self.message("a", ms: 100, sequence: 999))
        XCTAssertEqual(inbox.discards[.duplicate], 1)
        for ms: Int64 in [200, 300, 400, 500] { inbox.insert(Self.message("a", ms: ms)) }
        XCTAssertEqual(inbox.discards[.overflow], 2)
        let chosen = inbox.collect(for: Self.at(1000))
        XCTAssertEqual(chosen.first?.message.captureTime, Self.at(500))
        XCTAssertEqual(chosen.first?.history.first?.captureTime, Self.at(400))
        // Out-of-order arrival is placed by capture time.
        inbox.insert(Self.message("b", ms: 300))
        inbox.insert(Self.message("b", ms: 200))
        XCTAssertEqual(inbox.collect(for: Self.at(1000)).first { $0.message.agentID == "b" }?.history.first?.captureTime, Self.at(200))
    }

    func testCurrentMessageCheckDecidesWhenTheEgoStopsWaiting() throws {
        var inbox = try CollaboratorInbox(maxAgeSeconds: 0.5)
        inbox.insert(Self.message("a", ms: 100))
        inbox.insert(Self.message("b", ms: 0))
        XCTAssertFalse(inbox.hasCurrentMessage(from: ["a", "b"], frameTime: Self.at(100), windowSeconds: 0.05))
        inbox.insert(Self.message("b", ms: 100))
        XCTAssertTrue(inbox.hasCurrentMessage(from: ["a", "b"], frameTime: Self.at(100), windowSeconds: 0.05))
        XCTAssertFalse(inbox.hasCurrentMessage(from: ["a", "b", "dead"], frameTime: Self.at(100), windowSeconds: 0.05))
    }

    func testASilentCollaboratorStopsBeingWaitedForUntilItIsHeardAgain() throws {
        var inbox = try CollaboratorInbox(maxAgeSeconds: 0.25)
        XCTAssertEqual(inbox.expected(from: ["a", "b"], frameTime: Self.at(0)), ["a", "b"], "at start-up every peer is expected")
        inbox.insert(Self.message("a", ms: 100))
        inbox.insert(Self.message("b", ms: 100))
        XCTAssertEqual(inbox.expected(from: ["a", "b"], frameTime: Self.at(350)), ["a", "b"])
        inbox.insert(Self.message("a", ms: 300))
        _ = inbox.collect(for: Self.at(400))
        XCTAssertEqual(inbox.expected(from: ["a", "b"], frameTime: Self.at(400)), ["a"], "b has been silent for 300 ms")
        inbox.insert(Self.message("b", ms: 500))
        XCTAssertEqual(inbox.expected(from: ["a", "b"], frameTime: Self.at(500)), ["a", "b"])
    }

    func testInvalidSettingsAreRejected() {
        XCTAssertThrowsError(try CollaboratorInbox(maxAgeSeconds: 0))
        XCTAssertThrowsError(try CollaboratorInbox(maxAgeSeconds: 1, capacityPerSender: 1))
    }
}
