import Foundation
import V2XCore

/// A sender's LiDAR returns inside one of the boxes it sends, coded for the wire: three signed
/// bytes a return, `(u, v, w)` in the box's own frame (u along its heading, w up from its
/// centre), each the offset divided by the axis's step, the box's half-extent plus `marginMeters`
/// over 127 (about 2 cm along a car, 5 cm along a 12 m truck).
///
/// A receiver that has these for a box another agent saw can refit the box to every view of it
/// (`CooperativeDetector`), as early fusion does with whole sweeps, at a few hundred bytes a box.
public struct BoxReturns: Sendable, Equatable {
    /// How far beyond the box (in each direction, each axis) a return may lie.
    public static let marginMeters = 0.4
    /// The wire codes, `u v w` per return.
    public private(set) var codes: [UInt8]

    /// Number of returns.
    public var count: Int { codes.count / 3 }

    /// The codes as received.
    /// - Throws: `V2XError.malformedData` when their count is not a multiple of three.
    public init(codes: [UInt8]) throws {
        guard codes.count % 3 == 0 else { throw V2XError(.malformedData, "box returns of \(codes.count) bytes: not 3 a return") }
        self.codes = codes
    }

    /// `points` (in the frame `box` is in) coded relative to `box` as the wire carries it
    /// (each field rounded to `Float`). Points beyond the box grown by `marginMeters` are
    /// clamped to that surface; non-finite ones (or any, for a non-finite box) are dropped.
    public init(points: [SIMD3<Double>], in box: Box3D) {
        let frame = Self.Frame(box)
        var codes: [UInt8] = []
        codes.reserveCapacity(points.count * 3)
        for p in points {
            let scaled = frame.local(p) / frame.step
            guard scaled.x.isFinite, scaled.y.isFinite, scaled.z.isFinite else { continue }
            for axis in 0..<3 {
                codes.append(UInt8(bitPattern: Int8(max(-127, min(127, scaled[axis].rounded())))))
            }
        }
        self.codes = codes
    }

    private init(checkedCodes: [UInt8]) { codes = checkedCodes }

    /// No returns.
    public static let none = BoxReturns(checkedCodes: [])

    /// The returns, in the frame `box` is in (the sender's LiDAR frame for a message's box).
    public func points(in box: Box3D) -> [SIMD3<Double>] {
        let frame = Self.Frame(box)
        return stride(from: 0, to: codes.count - 2, by: 3).map { i in
            frame.world(SIMD3(Double(Int8(bitPattern: codes[i])), Double(Int8(bitPattern: codes[i + 1])),
                              Double(Int8(bitPattern: codes[i + 2]))) * frame.step)
        }
    }

    /// A box's frame as the wire carries the box (Float fields), and the step of each axis.
    private struct Frame {
        let centre: SIMD3<Double>
        let cosine: Double, sine: Double
        let step: SIMD3<Double>

        init(_ box: Box3D) {
            func wire(_ value: Double) -> Double { Double(Float(value)) }
            centre = SIMD3(wire(box.x), wire(box.y), wire(box.z))
            let yaw = wire(box.yaw)
            cosine = cos(yaw); sine = sin(yaw)
            let half = SIMD3(wire(box.l), wire(box.w), wire(box.h)) / 2 + BoxReturns.marginMeters
            // A degenerate box still gets a usable step.
            step = SIMD3(Swift.max(half.x, 0.01), Swift.max(half.y, 0.01), Swift.max(half.z, 0.01)) / 127
        }

        func local(_ p: SIMD3<Double>) -> SIMD3<Double> {
            let d = p - centre
            return SIMD3(cosine * d.x + sine * d.y, -sine * d.x + cosine * d.y, d.z)
        }

        func world(_ q: SIMD3<Double>) -> SIMD3<Double> {
            centre + SIMD3(cosine * q.x - sine * q.y, sine * q.x + cosine * q.y, q.z)
        }
    }
}
