import Foundation
import V2XCore

/// What `v2x inspect` reports about one point-cloud file: its header and the extent of its points.
public struct PointCloudDescription: Sendable, Equatable, Codable {
    /// Axis-aligned extent of the finite points, metres.
    public struct Bounds: Sendable, Equatable, Codable {
        public var min: [Float]
        public var max: [Float]
    }

    public var path: String
    public var encoding: String
    public var fields: [String]
    public var width: Int
    public var height: Int
    /// Points after dropping non-finite rows.
    public var points: Int
    /// Rows with a NaN or infinite coordinate in the file.
    public var nonFinitePoints: Int
    public var bounds: Bounds?
    public var intensityRange: [Float]?

    enum CodingKeys: String, CodingKey {
        case path, encoding, fields, width, height, points, bounds
        case nonFinitePoints = "non_finite_points"
        case intensityRange = "intensity_range"
    }

    /// Reads the PCD file at `url` and describes it.
    /// - Throws: `V2XError` from the reader, naming the file and the problem.
    public init(pcdAt url: URL) throws {
        let header = try PCDHeader.read(from: url)
        let all = try PCDFile.read(from: url, options: PCDReadOptions(dropNonFinite: false))
        let cloud = all.droppingNonFinite()
        path = url.path
        encoding = header.encoding.rawValue
        fields = header.fields
        width = header.width
        height = header.height
        points = cloud.count
        nonFinitePoints = all.count - cloud.count
        if cloud.isEmpty {
            bounds = nil
            intensityRange = nil
        } else {
            let columns = [cloud.x, cloud.y, cloud.z]
            bounds = Bounds(min: columns.map { $0.min()! }, max: columns.map { $0.max()! })
            intensityRange = [cloud.intensity.min()!, cloud.intensity.max()!]
        }
    }

    /// Human-readable lines.
    public var lines: [String] {
        var out = [
            "\(path): PCD \(encoding), fields \(fields.joined(separator: " ")), \(width)×\(height)",
            "points: \(points) finite, \(nonFinitePoints) non-finite",
        ]
        if let bounds, let intensityRange {
            let f = { (v: Float) in String(format: "%.2f", v) }
            out.append("x [\(f(bounds.min[0])), \(f(bounds.max[0]))] y [\(f(bounds.min[1])), \(f(bounds.max[1]))] z [\(f(bounds.min[2])), \(f(bounds.max[2]))] m")
            out.append("intensity [\(f(intensityRange[0])), \(f(intensityRange[1]))]")
        }
        return out
    }
}
