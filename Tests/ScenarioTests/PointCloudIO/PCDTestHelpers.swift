import Foundation
import Testing
import V2XCore
import V2XTestSupport

/// Shared helpers of the PCD tests.
enum PCDTestHelpers {
    /// Floats that stress a reader and writer: zeros, subnormals, extremes, non-finite values.
    static let specialValues: [Float] = [
        0, -0.0, 1, -1, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude,
        .greatestFiniteMagnitude, -.greatestFiniteMagnitude, Float(bitPattern: 0x0001_0000), 0.1, Float(bitPattern: 0x0001_16C2), 3.4e38,
        .nan, .infinity, -.infinity, 123_456.79, -Float(bitPattern: 5),
    ]

    /// A cloud with random full-precision coordinates and the special values mixed in.
    static func sampleCloud(points: Int, seed: UInt64, special: Bool = true) throws -> PointCloud {
        var rng = SeededGenerator(seed: seed)
        var cloud = PointCloud()
        for i in 0..<points {
            func value() -> Float {
                if special && Int.random(in: 0..<8, using: &rng) == 0 { return specialValues.randomElement(using: &rng)! }
                let scale = Float(sign: .plus, exponent: Int.random(in: -20...12, using: &rng), significand: 1)
                return Float.random(in: -1...1, using: &rng) * scale
            }
            cloud.append(x: value(), y: value(), z: i % 17 == 3 ? .nan : value(), intensity: Float.random(in: 0...1, using: &rng))
        }
        return cloud
    }

    /// Whether two clouds hold the same values bit for bit (any NaN matches any NaN when
    /// `nanPayloads` is false, as ascii cannot carry payloads).
    static func identical(_ a: PointCloud, _ b: PointCloud, nanPayloads: Bool = true) -> Bool {
        func same(_ u: [Float], _ v: [Float]) -> Bool {
            u.count == v.count && zip(u, v).allSatisfy { p, q in
                p.bitPattern == q.bitPattern || (!nanPayloads && p.isNaN && q.isNaN)
            }
        }
        return same(a.x, b.x) && same(a.y, b.y) && same(a.z, b.z) && same(a.intensity, b.intensity)
    }

    /// A fixture under `Fixtures/pcd/`.
    static func fixture(_ name: String) throws -> URL {
        try #require(Bundle.module.url(forResource: "Fixtures/pcd/\(name)", withExtension: nil))
    }

    /// Runs PCL's `pcl_convert_pcd_ascii_binary input output mode` (1 binary, 2 binary_compressed).
    static func pclConvert(_ input: URL, to output: URL, mode: Int) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/pcl_convert_pcd_ascii_binary")
        process.arguments = [input.path, output.path, String(mode)]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "pcl_convert_pcd_ascii_binary failed on \(input.lastPathComponent)")
    }

    /// The bytes of an ascii PCD with the given header lines and data lines.
    static func asciiFile(_ header: [String], _ rows: [String]) -> Data {
        Data((header + ["DATA ascii"] + rows).joined(separator: "\n").utf8 + [UInt8(ascii: "\n")])
    }
}
