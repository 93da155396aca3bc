import Comm
import Crypto
import Foundation
import Testing
import V2XCore

@Suite struct MessageGateTests {
    let now = CommFixtures.now

    func sealed(_ message: BEVMessage, by agent: String? = nil) throws -> [UInt8] {
        try CommFixtures.identity(agent ?? message.agentID).seal(payload: message.serializedPayload())
    }

    func reason(_ verdict: MessageGate.Verdict) -> RejectionReason? {
        if case .rejected(let r) = verdict { return r }
        return nil
    }

    @Test func acceptsValidMessagesFromEveryTrustedAgent() throws {
        var gate = CommFixtures.gate()
        for agent in ["cav-1", "rsu-2", "cav-3"] {
            let verdict = gate.admit(try sealed(CommFixtures.message(agent: agent)), now: now)
            guard case .accepted(let m) = verdict else { Issue.record("rejected \(agent): \(verdict)"); continue }
            #expect(m.agentID == agent)
        }
        #expect(gate.acceptedCount == 3 && gate.rejectedCount == 0)
    }

    @Test func rejectsUnsignedForgedWrongKeyAndUnknownSigners() throws {
        var gate = CommFixtures.gate()
        let payload = try CommFixtures.message().serializedPayload()
        // Unsigned: signature field empty.
        var unsigned = V2x_Wire_Envelope()
        unsigned.formatVersion = 1; unsigned.signerID = "cav-1"; unsigned.payload = Data(payload)
        #expect(reason(gate.admit(try [UInt8](unsigned.serializedBytes() as Data), now: now)) == .unsigned)
        // Forged: a valid envelope whose payload was altered after signing.
        var forged = try V2x_Wire_Envelope(serializedBytes: sealed(CommFixtures.message()))
        forged.payload[forged.payload.count / 2] ^= 0x01
        #expect(reason(gate.admit(try [UInt8](forged.serializedBytes() as Data), now: now)) == .badSignature)
        // Signed by rsu-2's key while claiming to be cav-1 in the envelope.
        var impostor = try V2x_Wire_Envelope(serializedBytes: CommFixtures.identity("rsu-2").seal(payload: payload))
        impostor.signerID = "cav-1"
        #expect(reason(gate.admit(try [UInt8](impostor.serializedBytes() as Data), now: now)) == .badSignature)
        // rsu-2 signs honestly as itself, but the payload claims cav-1.
        #expect(reason(gate.admit(try CommFixtures.identity("rsu-2").seal(payload: payload), now: now)) == .wrongKey)
        // A key the keyring does not hold.
        let stranger = SigningIdentity.generate(agentID: "intruder")
        #expect(reason(gate.admit(try stranger.seal(payload: payload), now: now)) == .unknownSigner)
        // Same id, different key.
        let lookalike = SigningIdentity.generate(agentID: "cav-1")
        #expect(reason(gate.admit(try lookalike.seal(payload: payload), now: now)) == .badSignature)
        // A downgraded version number breaks the signature too (it is signed), but is refused first.
        var downgraded = try V2x_Wire_Envelope(serializedBytes: sealed(CommFixtures.message()))
        downgraded.formatVersion = 0
        #expect(reason(gate.admit(try [UInt8](downgraded.serializedBytes() as Data), now: now)) == .unsupportedVersion)
        #expect(gate.acceptedCount == 0)
        #expect(gate.rejections == [.unsigned: 1, .badSignature: 3, .wrongKey: 1, .unknownSigner: 1, .unsupportedVersion: 1])
    }

    @Test func rejectsReplaysAndOutOfWindowTimes() throws {
        var gate = CommFixtures.gate(policy: .init(sequenceWindow: 4, maxAgeSeconds: 0.5, maxFutureSeconds: 0.05))
        let first = try sealed(CommFixtures.message(sequence: 10))
        #expect(reason(gate.admit(first, now: now)) == nil)
        #expect(reason(gate.admit(first, now: now)) == .replayed)
        #expect(reason(gate.admit(try sealed(CommFixtures.message(sequence: 9)), now: now)) == nil, "late but inside the window")
        #expect(reason(gate.admit(try sealed(CommFixtures.message(sequence: 6)), now: now)) == .replayed, "older than the window")
        #expect(reason(gate.admit(try sealed(CommFixtures.message(agent: "rsu-2", sequence: 10)), now: now)) == nil, "windows are per sender")
        let old = Timestamp(nanoseconds: now.nanoseconds - 600_000_000)
        #expect(reason(gate.admit(try sealed(CommFixtures.message(sequence: 11, time: old)), now: now)) == .stale)
        let ahead = Timestamp(nanoseconds: now.nanoseconds + 100_000_000)
        #expect(reason(gate.admit(try sealed(CommFixtures.message(sequence: 12, time: ahead)), now: now)) == .fromFuture)
        // A stale message must not have advanced the window: 11 is still fresh later.
        #expect(reason(gate.admit(try sealed(CommFixtures.message(sequence: 11)), now: now)) == nil)
    }

    @Test func rejectsOversizedGarbageAndUnknownCodebooks() throws {
        var gate = CommFixtures.gate(policy: .init(acceptedCodebookHashes: [CommFixtures.codebook.hash]))
        #expect(reason(gate.admit([UInt8](repeating: 7, count: (1 << 20) + 1), now: now)) == .oversized)
        #expect(reason(gate.admit([0xFF, 0xFF, 0xFF], now: now)) == .malformedEnvelope)
        var m = CommFixtures.message()
        m.codebook.hash = [UInt8](repeating: 9, count: 32)
        #expect(reason(gate.admit(try sealed(m), now: now)) == .unknownCodebook)
        // Signed garbage from a trusted agent is counted as a malformed payload.
        #expect(reason(gate.admit(try CommFixtures.identity("cav-1").seal(payload: [1, 2, 3]), now: now)) == .malformedPayload)
    }
}
