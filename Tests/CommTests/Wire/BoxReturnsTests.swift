import Comm
import Foundation
import Testing
import V2XCore

@Suite struct BoxReturnsTests {
    static let truck = Box3D(x: 12.3, y: -4.1, z: -0.4, l: 11.8, w: 2.5, h: 3.4, yaw: 0.7, score: 0.8)

    /// A point at box-frame offset (u, v, w) from `box`'s centre.
    static func point(_ box: Box3D, _ u: Double, _ v: Double, _ w: Double) -> SIMD3<Double> {
        SIMD3(box.x + cos(box.yaw) * u - sin(box.yaw) * v, box.y + sin(box.yaw) * u + cos(box.yaw) * v, box.z + w)
    }

    @Test func returnsComeBackWithinHalfAStepOfEachAxis() throws {
        let box = Self.truck
        let offsets: [SIMD3<Double>] = [[-6.2, -1.6, -2.1], [6.2, 1.6, 2.1], [0, 0, 0], [3.33, -0.71, 1.05], [-5.9, 1.2, -1.3]]
        let points = offsets.map { Self.point(box, $0.x, $0.y, $0.z) }
        let coded = BoxReturns(points: points, in: box)
        #expect(coded.count == 5 && coded.codes.count == 15)
        let step = SIMD3(box.l / 2 + 0.4, box.w / 2 + 0.4, box.h / 2 + 0.4) / 127
        for (decoded, offset) in zip(coded.points(in: box), offsets) {
            let again = Self.point(box, offset.x, offset.y, offset.z)
            // Half a step per axis in the box frame, so at most the half-diagonal of a step in the world.
            #expect(((decoded - again) * (decoded - again)).sum().squareRoot() <= ((step / 2) * (step / 2)).sum().squareRoot() + 1e-5)
        }
        // A car's step along it is about 2 cm.
        #expect((4.6 / 2 + 0.4) / 127 < 0.022)
    }

    @Test func returnsBeyondTheGrownBoxAreClampedAndNonFiniteOnesDropped() throws {
        let box = Self.truck
        let coded = BoxReturns(points: [Self.point(box, 30, 0, 0), SIMD3(.nan, 1, 1), SIMD3(1, .infinity, 0)], in: box)
        #expect(coded.count == 1)
        let back = try #require(coded.points(in: box).first)
        let u = cos(box.yaw) * (back.x - box.x) + sin(box.yaw) * (back.y - box.y)
        #expect(abs(u - (box.l / 2 + BoxReturns.marginMeters)) < 1e-4)
        var broken = box
        broken.l = .nan
        #expect(BoxReturns(points: [Self.point(box, 1, 0, 0)], in: broken).count == 0)
    }

    @Test func codesThatAreNotThreeAReturnAreMalformed() {
        #expect(throws: V2XError.self) { try BoxReturns(codes: [1, 2, 3, 4]) }
        #expect((try? BoxReturns(codes: [1, 2, 3]))?.count == 1)
    }

    @Test func messagesCarryReturnsPerBoxAndRejectBrokenOnes() throws {
        var message = CommFixtures.message()
        let box = message.boxes[0]
        message.boxReturns = [BoxReturns(points: [Self.point(box, 1, 0.2, 0.1), Self.point(box, -1.5, 0.8, 0.3)], in: box)]
        let parsed = try BEVMessage(payload: message.serializedPayload())
        #expect(parsed.boxReturns == message.boxReturns)
        // Decoded against the box as the wire carries it, the returns are where the sender coded them.
        #expect(zip(parsed.boxReturns[0].points(in: parsed.boxes[0]), message.boxReturns[0].points(in: box)).allSatisfy {
            (($0 - $1) * ($0 - $1)).sum() < 1e-10
        })
        // None sent: none parsed.
        #expect(try BEVMessage(payload: CommFixtures.message().serializedPayload()).boxReturns.isEmpty)
        // Returns for a box that is not there, or a byte count that is not three a return.
        message.boxReturns.append(message.boxReturns[0])
        #expect(throws: V2XError.self) { try message.serializedPayload() }
        var wire = try V2x_Wire_BEVMessage(serializedBytes: CommFixtures.message().serializedPayload())
        wire.boxes[0].returns = Data([1, 2, 3, 4, 5])
        let bytes = try [UInt8](wire.serializedBytes() as Data)
        #expect(throws: V2XError.self) { try BEVMessage(payload: bytes) }
    }
}
