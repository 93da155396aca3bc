import Perception
import Testing
import V2XCore
import V2XTestSupport

@Suite struct PillarTests {
    let grid = try! BEVGrid(minX: -2, maxX: 2, minY: -2, maxY: 2, cellSizeMeters: 1)

    @Test func pillarizeDropsBadPointsAndComputesFeatures() throws {
        let cloud = try PointCloud(
            x: [0.25, 0.75, .nan, 50, 1.5, -1.5, .infinity],
            y: [0.5, 0.5, 0, 0, -1.5, 1.5, 0],
            z: [0, 1, 0, 0, 9, -0.5, 0],
            intensity: [0.2, .nan, 0, 0, 0, 0.7, 0]
        )
        let p = Pillarizer(grid: grid, minZMeters: -2, maxZMeters: 2).pillarize(cloud)
        // Kept: the two points in cell (2, 2) and the one in (3, 0); NaN, inf, outside x, z = 9 dropped.
        #expect(p.pointCount == 3)
        let expectedCells: [Int32] = [10, 12]
        #expect(p.pillarCells == expectedCells)
        let expectedPillars: [Int32] = [0, 0, 1]
        #expect(p.pointPillar == expectedPillars)
        let f = p.pointFeatures
        #expect(abs(f[0] - 0.125) < 1e-6)         // x / 2
        #expect(abs(f[4] - (-0.25)) < 1e-6)       // x − mean x (0.5), over 1 m
        #expect(abs(f[7] - (-0.25)) < 1e-6)       // x − cell centre (0.5)
        #expect(f[9 + 3] == 0)                    // NaN intensity counts as 0
        #expect(abs(f[18 + 3] - 0.7) < 1e-6)
    }

    @Test func emptyAndOutOfRangeCloudsGiveEmptyPillarsAndZeroMaps() throws {
        let pillarizer = Pillarizer(grid: grid, minZMeters: -2, maxZMeters: 2)
        let far = try PointCloud(x: [100, -100], y: [0, 0], z: [0, 0], intensity: [1, 1])
        for cloud in [PointCloud(), far] {
            let p = pillarizer.pillarize(cloud)
            #expect(p.pointCount == 0 && p.pillarCount == 0)
            var rng = SeededGenerator(seed: 1)
            let (map, cache) = try PillarEncoder(outChannels: 3, using: &rng).forward(p)
            #expect(map.values.allSatisfy { $0 == 0 } && map.height == 4 && map.channels == 3)
            let g = try PillarEncoder(outChannels: 3, using: &rng).backward(map, cache: cache)
            #expect(g.weight.allSatisfy { $0 == 0 })
        }
    }

    @Test func encoderTakesMaxPerPillarAndItsGradientMatchesFiniteDifferences() throws {
        var rng = SeededGenerator(seed: 3)
        var points = PointCloud()
        for _ in 0..<40 {
            points.append(x: Float.random(in: -2..<2, using: &rng), y: Float.random(in: -2..<2, using: &rng),
                          z: Float.random(in: -1...1, using: &rng), intensity: Float.random(in: 0...1, using: &rng))
        }
        let pillars = Pillarizer(grid: grid, minZMeters: -2, maxZMeters: 2).pillarize(points)
        var encoder = PillarEncoder(outChannels: 5, using: &rng)
        encoder.bias = GradientCheck.random(5, seed: 4)
        let (map, cache) = try encoder.forward(pillars)
        // Reference: per-point ReLU(linear) then max per cell, by plain loops.
        var reference = [Float](repeating: 0, count: 16 * 5)
        for i in 0..<pillars.pointCount {
            let cell = Int(pillars.pillarCells[Int(pillars.pointPillar[i])])
            for c in 0..<5 {
                var s = encoder.bias[c]
                for f in 0..<9 { s += pillars.pointFeatures[i * 9 + f] * encoder.weight[f * 5 + c] }
                reference[cell * 5 + c] = max(reference[cell * 5 + c], max(0, s))
            }
        }
        for i in reference.indices { #expect(abs(map.values[i] - reference[i]) < 1e-5) }

        let r = GradientCheck.random(map.values.count, seed: 6)
        let g = try encoder.backward(try FeatureMap(height: 4, width: 4, channels: 5, values: r), cache: cache)
        let eW = try GradientCheck.maxError(values: encoder.weight, analytic: g.weight, indices: Array(0..<45), epsilon: 1e-3) { w in
            var e = encoder; e.weight = w; return GradientCheck.project(try e.forward(pillars).output.values, r)
        }
        let eB = try GradientCheck.maxError(values: encoder.bias, analytic: g.bias, indices: Array(0..<5), epsilon: 1e-3) { b in
            var e = encoder; e.bias = b; return GradientCheck.project(try e.forward(pillars).output.values, r)
        }
        #expect(eW < 2e-2)
        #expect(eB < 2e-2)
    }
}
