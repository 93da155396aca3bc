import Perception
import Testing
import V2XCore

@Suite struct LossTests {
    @Test func targetsPeakAtTheCentreWithTheBoxCode() throws {
        let config = TinyModel.config
        let t = DetectionTargets(boxes: [TinyModel.box, Box3D(x: 99, y: 0, z: 0, l: 4, w: 2, h: 1.5, yaw: 0)], config: config)
        #expect(t.centers.count == 1)   // the second box is off the grid
        let c = try #require(t.centers.first)
        // Feature cells are 0.8 m from −3.2: x = 1.0 → column 5 (offset 0.25), y = 0.1 → row 4 (offset 0.125).
        #expect(c.row == 4 && c.column == 5)
        #expect(abs(c.code[0] - 0.25) < 1e-5 && abs(c.code[1] - 0.125) < 1e-5)
        #expect(t.heatmap[4, 5, 0] == 1)
        #expect(t.heatmap[4, 6, 0] > 0 && t.heatmap[4, 6, 0] < 1)
        #expect(t.heatmap.values.filter { $0 == 1 }.count == 1)
        // The box code is also supervised on the 8 neighbours, weighted by the Gaussian.
        #expect(t.regressionCells.count == 9)
        let centreCell = try #require(t.regressionCells.first { $0.row == 4 && $0.column == 5 })
        #expect(centreCell.weight == 1 && centreCell.code == c.code)
        let right = try #require(t.regressionCells.first { $0.row == 4 && $0.column == 6 })
        #expect(abs(right.weight - t.heatmap[4, 6, 0]) < 1e-6 && abs(right.code[0] - (0.25 - 1)) < 1e-5)
        let corner = try #require(t.regressionCells.first { $0.row == 3 && $0.column == 4 })
        #expect(corner.weight < right.weight && abs(corner.code[1] - 1.125) < 1e-5)
        // Two boxes a cell apart: each keeps its own centre cell.
        var next = TinyModel.box
        next.x += 0.8
        let pair = DetectionTargets(boxes: [TinyModel.box, next], config: config)
        #expect(pair.regressionCells.count == 12)
        #expect(pair.regressionCells.filter { $0.weight == 1 }.count == 2)
        // A wide box gets a larger radius than the minimum.
        #expect(DetectionTargets.gaussianRadius(length: 30, width: 30, minimumOverlap: 0.1) > 2)
    }

    @Test func focalAndL1GradientsMatchFiniteDifferences() throws {
        let config = TinyModel.config
        let targets = DetectionTargets(boxes: [TinyModel.box], config: config)
        let loss = DetectionLoss(regressionWeight: 0.5)
        let values = GradientCheck.random(8 * 8 * 9, seed: 31).map { $0 * 3 }
        let head = try FeatureMap(height: 8, width: 8, channels: 9, values: values)
        let (value, gradient) = try loss.evaluate(head: head, targets: targets)
        #expect(value.heatmap > 0 && value.regression > 0)
        let centre = (4 * 8 + 5) * 9
        let indices = [centre, centre + 1, centre + 4, centre + 8, (4 * 8 + 6) * 9, 0, 9 * 20, 9 * 63]
        let error = try GradientCheck.maxError(values: values, analytic: gradient.values, indices: indices, epsilon: 1e-3) { v in
            try loss.evaluate(head: FeatureMap(height: 8, width: 8, channels: 9, values: v), targets: targets).value.total
        }
        #expect(error < 1e-2)
        // A confident, correct prediction costs less than a wrong one.
        var good = head
        for cell in 0..<64 { good.values[cell * 9] = -8 }
        good.values[centre] = 8
        for cell in targets.regressionCells {
            let base = (cell.row * 8 + cell.column) * 9
            for j in 0..<8 { good.values[base + 1 + j] = cell.code[j] }
        }
        #expect(try loss.evaluate(head: good, targets: targets).value.total < value.total / 10)
        #expect(throws: V2XError.self) { try loss.evaluate(head: FeatureMap(height: 8, width: 8, channels: 3), targets: targets) }
    }

    @Test func adamMinimisesAQuadraticAndRejectsNaN() throws {
        var optimizer = AdamW(sizes: [2], weightDecay: 0)
        var p: [[Float]] = [[3, -2]]
        for _ in 0..<400 {
            try optimizer.update(&p, gradients: [p[0].map { 2 * $0 }], decays: [true], learningRate: 0.05)
        }
        #expect(abs(p[0][0]) < 0.05 && abs(p[0][1]) < 0.05)
        #expect(optimizer.step == 400)
        #expect(throws: V2XError.self) { try optimizer.update(&p, gradients: [[.nan, 0]], decays: [true], learningRate: 0.05) }
        #expect(optimizer.step == 400)
        let schedule = LearningRateSchedule(peak: 1, warmupSteps: 10, totalSteps: 110)
        #expect(schedule.rate(at: 0) == 0.1 && abs(schedule.rate(at: 9) - 1) < 1e-12)
        #expect(abs(schedule.rate(at: 110) - 0.02) < 1e-9 && schedule.rate(at: 60) < 1)
    }

    @Test func augmentationMovesPointsAndBoxesTogether() throws {
        let sample = TrainingSample(points: try PointCloud(x: [1], y: [0.1], z: [-0.3], intensity: [0.5]), boxes: [TinyModel.box])
        let out = Augmentation.apply(Augmentation.Draw(flip: true, rotation: 0.5, scale: 1.1), to: sample)
        let b = out.boxes[0]
        // The point sat at the box centre, so it must still.
        #expect(abs(Double(out.points.x[0]) - b.x) < 1e-5 && abs(Double(out.points.y[0]) - b.y) < 1e-5)
        #expect(abs(b.yaw - (-0.3 + 0.5)) < 1e-9 && abs(b.l - 1.98) < 1e-9)
        let corner = SIMD3(TinyModel.box.bevCorners[0].x, TinyModel.box.bevCorners[0].y, -0.3)
        let cornerSample = TrainingSample(points: try PointCloud(x: [Float(corner.x)], y: [Float(corner.y)], z: [-0.3], intensity: [0]), boxes: [TinyModel.box])
        let moved = Augmentation.apply(Augmentation.Draw(flip: true, rotation: 0.5, scale: 1.1), to: cornerSample)
        let p = SIMD3(Double(moved.points.x[0]), Double(moved.points.y[0]), Double(moved.points.z[0]))
        #expect(moved.boxes[0].contains(p, margin: 1e-4))
    }
}
