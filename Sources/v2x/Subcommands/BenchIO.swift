import ArgumentParser
import Foundation
import Scenario
import V2XCore

/// `v2x bench io`: writes a synthetic cloud in each PCD encoding and times reading it back.
struct BenchIO: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "io",
        abstract: "PCD read speed per encoding (ascii, binary, binary_compressed): MB/s and M points/s."
    )

    @Option(help: "Points in the synthetic cloud.")
    var points = 120_000

    @Option(help: "Timed reads per encoding; the median is printed.")
    var repeats = 7

    func validate() throws {
        guard points > 0 else { throw ValidationError("--points must be positive") }
        guard repeats > 0 else { throw ValidationError("--repeats must be positive") }
    }

    func run() throws {
        let cloud = try Self.syntheticCloud(points: points)
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("v2x-bench-io-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        print("PCD read, \(points) points (x y z intensity, F4), median of \(repeats) reads")
        print("encoding            file MB      MB/s   M points/s")
        for encoding in PCDEncoding.allCases {
            let url = directory.appendingPathComponent("cloud-\(encoding.rawValue).pcd")
            try PCDFile.write(cloud, to: url, encoding: encoding)
            let bytes = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int ?? 0
            var seconds: [Double] = []
            for _ in 0..<repeats {
                let clock = ContinuousClock()
                var read = PointCloud()
                let elapsed = try clock.measure { read = try PCDFile.read(from: url, options: .init(dropNonFinite: false)) }
                guard read.count == cloud.count else {
                    throw V2XError(.malformedData, "read \(read.count) points, wrote \(cloud.count)", path: url.path)
                }
                seconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
            }
            let median = seconds.sorted()[seconds.count / 2]
            let megabytes = Double(bytes) / 1e6
            print(
                encoding.rawValue.padding(toLength: 18, withPad: " ", startingAt: 0)
                    + String(format: "%8.2f  %8.1f  %11.2f", megabytes, megabytes / median, Double(points) / median / 1e6))
        }
    }

    /// A LiDAR-like cloud: returns on rings out to 80 m, full-precision floats, intensity in [0, 1].
    static func syntheticCloud(points: Int) throws -> PointCloud {
        var state: UInt64 = 0x5EED_1234
        func uniform() -> Float {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(state >> 40) / Float(1 << 24)
        }
        var cloud = PointCloud()
        cloud.reserveCapacity(points)
        for i in 0..<points {
            let azimuth = Float(i % 1800) / 1800 * 2 * .pi
            let ring = Float(i / 1800 % 64)
            let range = 2 + 78 * uniform()
            let elevation = (-25 + ring * 0.45) * .pi / 180
            cloud.append(
                x: range * cos(elevation) * cos(azimuth), y: range * cos(elevation) * sin(azimuth),
                z: range * sin(elevation) + 1.8, intensity: uniform())
        }
        return cloud
    }
}
