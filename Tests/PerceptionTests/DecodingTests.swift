import Foundation
import Perception
import Testing
import V2XCore

@Suite struct DecodingTests {
    @Test func boxCodeRoundTrips() throws {
        for heading in [DetectorConfig.HeadingCode.direction, .axis] {
            let coder = BoxCoder(grid: TinyModel.config.featureGrid, heading: heading)
            let (row, column, code) = try #require(coder.encode(TinyModel.box))
            let back = coder.decode(row: row, column: column, code: code[...], score: 0.9, label: .car)
            #expect(abs(back.x - 1.0) < 1e-5 && abs(back.y - 0.1) < 1e-5 && abs(back.z + 0.3) < 1e-5)
            #expect(abs(back.l - 1.8) < 1e-5 && abs(back.w - 1.0) < 1e-5 && abs(back.yaw - 0.3) < 1e-5)
            #expect(coder.encode(Box3D(x: 0, y: 0, z: 0, l: .nan, w: 1, h: 1, yaw: 0)) == nil)
            // Coded from the neighbouring cell, the same box decodes to the same place.
            let side = try #require(coder.encode(TinyModel.box, row: row, column: column + 1))
            #expect(side[0] < 0 && side[2...] == code[2...])
            let fromSide = coder.decode(row: row, column: column + 1, code: side[...], score: 0.9, label: .car)
            #expect(abs(fromSide.x - 1.0) < 1e-5 && abs(fromSide.y - 0.1) < 1e-5)
        }
    }

    @Test func axisHeadingCodeIgnoresTheDirectionABoxFaces() throws {
        let axis = BoxCoder(grid: TinyModel.config.featureGrid, heading: .axis)
        var turned = TinyModel.box
        turned.yaw = 0.3 - .pi
        let a = try #require(axis.encode(TinyModel.box)).code, b = try #require(axis.encode(turned)).code
        for j in 0..<8 { #expect(abs(a[j] - b[j]) < 1e-5) }
        // sin/cos of 2·yaw: yaw 0.3 codes as sin 0.6, cos 0.6; decoded yaw lies in (−π/2, π/2].
        #expect(abs(a[6] - Float(sin(0.6))) < 1e-6 && abs(a[7] - Float(cos(0.6))) < 1e-6)
        let back = axis.decode(row: 0, column: 0, code: [0, 0, 0, 0, 0, 0, Float(sin(2 * 2.0)), Float(cos(2 * 2.0))][...], score: 1, label: .car)
        #expect(abs(back.yaw - (2.0 - .pi)) < 1e-5)
        // The direction code tells the two apart.
        let direction = BoxCoder(grid: TinyModel.config.featureGrid, heading: .direction)
        #expect(try #require(direction.encode(turned)).code[7] < 0)
    }

    @Test func nmsSuppressesOverlapsOfTheSameLabelOnly() throws {
        let a = Box3D(x: 0, y: 0, z: 0, l: 4, w: 2, h: 1.5, yaw: 0, score: 0.9)
        let b = Box3D(x: 0.3, y: 0.1, z: 0, l: 4, w: 2, h: 1.5, yaw: 0.1, score: 0.8)
        let c = Box3D(x: 10, y: 0, z: 0, l: 4, w: 2, h: 1.5, yaw: 0, score: 0.95)
        let d = Box3D(x: 0.2, y: 0, z: 0, l: 0.6, w: 0.6, h: 1.7, yaw: 0, score: 0.7, label: .pedestrian)
        let kept = try RotatedNMS(iouThreshold: 0.1).suppress([a, b, c, d])
        #expect(kept == [c, a, d])
        #expect(throws: V2XError.self) { try RotatedNMS(iouThreshold: 0) }
    }

    @Test func decoderFindsPlantedPeaksAboveThreshold() throws {
        let config = TinyModel.config
        var head = FeatureMap(height: 8, width: 8, channels: 9)
        for cell in 0..<64 { head.values[cell * 9] = -6 }
        let code = try #require(BoxCoder(grid: config.featureGrid, heading: config.headingCode).encode(TinyModel.box)).code
        let centre = (4 * 8 + 5) * 9
        head.values[centre] = 2          // score 0.88
        head.values[centre + 9] = 1      // neighbour: not a peak
        for j in 0..<8 { head.values[centre + 1 + j] = code[j] }
        head.values[(1 * 8 + 1) * 9] = -3   // score 0.047: below 0.1
        let boxes = try HeatmapDecoder(config: config).decode(head)
        #expect(boxes.count == 1)
        let b = try #require(boxes.first)
        #expect(abs(b.x - 1.0) < 1e-4 && abs(b.yaw - 0.3) < 1e-4 && b.label == .car)
        #expect(abs((b.score ?? 0) - 1 / (1 + exp(-2.0))) < 1e-6)
        head.values[centre + 3] = .nan
        #expect(try HeatmapDecoder(config: config).decode(head).isEmpty)
        #expect(throws: V2XError.self) { try HeatmapDecoder(config: config).decode(FeatureMap(height: 4, width: 4, channels: 9)) }
    }
}
