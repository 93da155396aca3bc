import Foundation
import Testing
import V2XCore
import V2XTestSupport

@Suite struct RotatedIoUTests {
    private func box(_ x: Double, _ y: Double, _ l: Double, _ w: Double, _ yaw: Double = 0) -> Box3D {
        Box3D(x: x, y: y, z: 0, l: l, w: w, h: 1.5, yaw: yaw)
    }

    @Test func identicalBoxesGiveOne() {
        let b = box(12.5, -3, 4.5, 1.9, 0.7)
        #expect(abs(RotatedIoU.bev(b, b) - 1) < 1e-12)
    }

    @Test func identicalBoxesFarFromTheOriginKeepPrecision() {
        let b = box(250_000.25, -180_000.5, 4.2, 1.8, -2.1)
        #expect(abs(RotatedIoU.bev(b, b) - 1) < 1e-9)
    }

    @Test func squareRotated45DegreesOverItself() {
        // A 2×2 square and the same square turned by 45°: the overlap is a regular octagon
        // with inradius 1, area 8·tan(22.5°) = 8(√2 − 1) ≈ 3.3137. Union = 4 + 4 − 8(√2 − 1),
        // so IoU = (√2 − 1) / (2 − √2) = 1/√2 ≈ 0.70711.
        let a = box(0, 0, 2, 2), b = box(0, 0, 2, 2, .pi / 4)
        #expect(abs(RotatedIoU.bev(a, b) - 1 / 2.0.squareRoot()) < 1e-12)
        let octagon = BEVPolygon(box: a).intersectionArea(with: BEVPolygon(box: b))
        #expect(abs(octagon - 8 * (2.0.squareRoot() - 1)) < 1e-12)
    }

    @Test func crossedBoxes() {
        // 4×2 along x and 4×2 along y, same centre: the overlap is the central 2×2 = 4;
        // union = 8 + 8 − 4 = 12, IoU = 1/3.
        #expect(abs(RotatedIoU.bev(box(0, 0, 4, 2), box(0, 0, 4, 2, .pi / 2)) - 1.0 / 3) < 1e-12)
    }

    @Test func shiftedBoxes() {
        // Two 4×2 boxes, centres 2 m apart along x: overlap 2×2 = 4, union 12, IoU = 1/3.
        #expect(abs(RotatedIoU.bev(box(0, 0, 4, 2), box(2, 0, 4, 2)) - 1.0 / 3) < 1e-12)
        // Shifted 1 m along y as well: overlap 2×1 = 2, union 14, IoU = 1/7.
        #expect(abs(RotatedIoU.bev(box(0, 0, 4, 2), box(2, 1, 4, 2)) - 1.0 / 7) < 1e-12)
    }

    @Test func containment() {
        // A 2×1 box inside a 4×2 box: overlap 2, union 8, IoU = 0.25, either order.
        let big = box(1, 1, 4, 2, 0.3), small = box(1, 1, 2, 1, 0.3)
        #expect(abs(RotatedIoU.bev(big, small) - 0.25) < 1e-12)
        #expect(abs(RotatedIoU.bev(small, big) - 0.25) < 1e-12)
    }

    @Test func disjointAndTouchingBoxesGiveZero() {
        #expect(RotatedIoU.bev(box(0, 0, 4, 2), box(10, 0, 4, 2)) == 0)
        // Sharing the edge x = 2.
        #expect(RotatedIoU.bev(box(0, 0, 4, 2), box(4, 0, 4, 2)) == 0)
        // Sharing only the corner (2, 1).
        #expect(RotatedIoU.bev(box(0, 0, 4, 2), box(4, 2, 4, 2)) == 0)
    }

    @Test func overlappingCirclesButDisjointBoxes() {
        // Circumscribed radii √5 ≈ 2.236 each, centres 2.5 m apart across the width:
        // the circles overlap, the 4×2 boxes (half-width 1) do not.
        let a = box(0, 0, 4, 2), b = box(0, 2.5, 4, 2)
        #expect(BEVPolygon(box: a).boundingCirclesOverlap(BEVPolygon(box: b)))
        #expect(RotatedIoU.bev(a, b) == 0)
    }

    @Test func headingIsPeriodicInPi() {
        let a = box(0, 0, 4.5, 1.9, 0.4), b = box(0.6, 0.3, 4.1, 1.7, 0.1)
        var flipped = b
        flipped.yaw += .pi
        #expect(abs(RotatedIoU.bev(a, b) - RotatedIoU.bev(a, flipped)) < 1e-12)
    }

    @Test func degenerateBoxesOverlapNothing() {
        let a = box(0, 0, 4, 2)
        #expect(RotatedIoU.bev(a, box(0, 0, 0, 2)) == 0)
        #expect(RotatedIoU.bev(a, box(0, 0, -4, 2)) == 0)
        #expect(RotatedIoU.bev(a, box(.nan, 0, 4, 2)) == 0)
        #expect(RotatedIoU.bev(a, box(0, 0, 4, 2, .infinity)) == 0)
    }

    @Test func agreesWithARasterEstimateOnRandomPairs() {
        // Count cells of a 1 cm raster inside both boxes; the exact value must agree to
        // within the raster's resolution, and IoU must be symmetric.
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<20 {
            let a = box(0, 0, .random(in: 1...5, using: &rng), .random(in: 1...3, using: &rng), .random(in: -3...3, using: &rng))
            let b = box(
                .random(in: -2...2, using: &rng), .random(in: -2...2, using: &rng),
                .random(in: 1...5, using: &rng), .random(in: 1...3, using: &rng), .random(in: -3...3, using: &rng)
            )
            let exact = RotatedIoU.bev(a, b)
            #expect(abs(exact - RotatedIoU.bev(b, a)) < 1e-12)
            let step = 0.01
            var both = 0, either = 0
            var y = -5.0 + step / 2
            while y < 5 {
                var x = -5.0 + step / 2
                while x < 5 {
                    let p = SIMD3(x, y, 0.0)
                    let inA = a.contains(p), inB = b.contains(p)
                    if inA && inB { both += 1 }
                    if inA || inB { either += 1 }
                    x += step
                }
                y += step
            }
            let raster = either > 0 ? Double(both) / Double(either) : 0
            #expect(abs(exact - raster) < 0.01, "exact \(exact) raster \(raster)")
        }
    }

    @Test func nearlyCoincidentBoxesStayAtOne() {
        // Edges that coincide up to rounding are the hard case for clipping: the result
        // must stay 1 within rounding, whatever the heading and position.
        var rng = SeededGenerator(seed: 21)
        for _ in 0..<500 {
            let b = box(.random(in: -300...300, using: &rng), .random(in: -300...300, using: &rng),
                        .random(in: 0.5...12, using: &rng), .random(in: 0.5...3, using: &rng), .random(in: -4...4, using: &rng))
            var nudged = b
            nudged.x += 1e-12
            nudged.yaw += 1e-13
            #expect(abs(RotatedIoU.bev(b, b) - 1) < 1e-9)
            #expect(abs(RotatedIoU.bev(b, nudged) - 1) < 1e-9)
        }
    }

    @Test func intersectionVerticesLieInBothBoxes() {
        let a = box(3, -2, 2, 2), b = box(3, -2, 2, 2, .pi / 4)
        let pa = BEVPolygon(box: a), pb = BEVPolygon(box: b)
        let region = pa.intersection(pb)
        // The regular octagon: 8 corners (touching points may repeat), each inside both.
        #expect(Set(region.map { SIMD2(($0.x * 1e9).rounded(), ($0.y * 1e9).rounded()) }).count == 8)
        for p in region {
            #expect(a.contains(SIMD3(p.x, p.y, 0), margin: 1e-9) && b.contains(SIMD3(p.x, p.y, 0), margin: 1e-9))
        }
        #expect(BEVPolygon(box: a).intersection(BEVPolygon(box: box(30, 0, 2, 2))).isEmpty)
    }

    @Test func manySidedPolygons() throws {
        // A regular 16-gon of circumradius 1 (area ½·16·sin(2π/16) = 8·sin(π/8) ≈ 3.0615)
        // contains the square of half-side 0.5 (area 1): the intersection is the square.
        let n = 16
        let gon = try BEVPolygon(convexVertices: (0..<n).map { k in
            let a = 2 * Double.pi * Double(k) / Double(n)
            return SIMD2(cos(a), sin(a))
        })
        #expect(abs(gon.area - 8 * sin(2 * Double.pi / 16)) < 1e-12)
        let square = BEVPolygon(box: box(0, 0, 1, 1, 0.3))
        #expect(abs(gon.intersectionArea(with: square) - 1) < 1e-12)
        #expect(abs(square.intersectionArea(with: gon) - 1) < 1e-12)
        #expect(abs(RotatedIoU.bev(gon, square) - 1 / gon.area) < 1e-12)
    }

    @Test func polygonValidation() throws {
        let square: [SIMD2<Double>] = [SIMD2(0, 0), SIMD2(1, 0), SIMD2(1, 1), SIMD2(0, 1)]
        #expect(try BEVPolygon(convexVertices: square).area == 1)
        #expect(throws: V2XError.self) { try BEVPolygon(convexVertices: square.reversed()) }
        #expect(throws: V2XError.self) { try BEVPolygon(convexVertices: [SIMD2(0, 0), SIMD2(1, 0)]) }
        let dart: [SIMD2<Double>] = [SIMD2(0, 0), SIMD2(2, 0), SIMD2(1, 0.5), SIMD2(1, 2)]
        #expect(throws: V2XError.self) { try BEVPolygon(convexVertices: dart) }
    }

    @Test func triangleClippedBySquare() throws {
        // Triangle (0,0)-(2,0)-(0,2) against the unit square: the square lies entirely
        // under the hypotenuse x + y = 2, so the intersection is the unit square, area 1.
        // Shifted square [1,2]×[0,1]: the part under x + y ≤ 2 is the triangle
        // (1,0)-(2,0)-(1,1), area 0.5.
        let tri = try BEVPolygon(convexVertices: [SIMD2(0, 0), SIMD2(2, 0), SIMD2(0, 2)])
        let unit = try BEVPolygon(convexVertices: [SIMD2(0, 0), SIMD2(1, 0), SIMD2(1, 1), SIMD2(0, 1)])
        let shifted = try BEVPolygon(convexVertices: [SIMD2(1, 0), SIMD2(2, 0), SIMD2(2, 1), SIMD2(1, 1)])
        #expect(abs(tri.intersectionArea(with: unit) - 1) < 1e-12)
        #expect(abs(tri.intersectionArea(with: shifted) - 0.5) < 1e-12)
        #expect(abs(shifted.intersectionArea(with: tri) - 0.5) < 1e-12)
    }
}
