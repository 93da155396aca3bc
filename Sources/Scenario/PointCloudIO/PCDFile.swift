import Foundation
import V2XCore

/// Reads and writes Point Cloud Data files (PCL's PCD v0.7) as `PointCloud`s.
///
/// Reading takes x, y, z and intensity from any PCD v0.7 file: `ascii`, `binary` or
/// `binary_compressed`; fields in any order, SIZE 1/2/4/8 with TYPE I/U/F, COUNT > 1 (the first
/// element counts), `_` padding, organised clouds (HEIGHT > 1, read row by row), bytes after the
/// payload ignored. Intensity comes from an `intensity` field, else from the red byte of a
/// packed `rgb`/`rgba` field (red / 255, read from the raw bits), else it is 0. Integer and F8
/// values convert numerically (`Float(value)`, no rescaling); F4 values keep their exact bits.
///
/// ```swift
/// let cloud = try PCDFile.read(from: url)                        // NaN rows dropped
/// try PCDFile.write(cloud, to: out, encoding: .binaryCompressed)  // x y z intensity, F4
/// try PCDFile.write(cloud, to: out, encoding: .ascii, layout: .open3DPackedRGB)  // OPV2V's form
/// ```
public enum PCDFile {
    /// Reads the x, y, z and intensity fields of a PCD file.
    /// - Parameters:
    ///   - url: the file.
    ///   - options: whether to drop points with a non-finite coordinate (default: yes).
    /// - Returns: the cloud, points in file order (row-major for organised clouds).
    /// - Throws: `V2XError` naming the file: `.ioFailure`, `.truncatedFile`, `.malformedHeader`,
    ///   `.malformedData` (bad number, bad LZF stream, sizes that contradict the header) or
    ///   `.unsupportedFormat` (no x, y or z field).
    public static func read(from url: URL, options: PCDReadOptions = .init()) throws -> PointCloud {
        let data = try contents(of: url)
        return try decode(data, path: url.path, options: options)
    }

    /// Writes `cloud` in the given encoding.
    /// - Parameters:
    ///   - cloud: the points.
    ///   - url: the file, replaced atomically (a reader never sees half a file).
    ///   - encoding: ascii, binary or binary_compressed.
    ///   - layout: `x y z intensity` (default) or Open3D's `x y z rgb` with intensity in the red byte.
    /// - Throws: `V2XError.invalidArgument` when `layout` is `.open3DPackedRGB` and an intensity
    ///   is outside [0, 1] or NaN; `.ioFailure` when the file cannot be written.
    public static func write(
        _ cloud: PointCloud, to url: URL, encoding: PCDEncoding, layout: PCDWriteLayout = .xyzIntensity
    ) throws {
        let bytes = try encode(cloud, encoding: encoding, layout: layout, path: url.path)
        do {
            try bytes.withUnsafeBytes { try Data($0).write(to: url, options: .atomic) }
        } catch {
            throw V2XError(.ioFailure, "cannot write: \(error.localizedDescription)", path: url.path)
        }
    }

    /// Decodes a whole PCD file held in memory; `path` names it in errors.
    static func decode(_ data: Data, path: String, options: PCDReadOptions) throws -> PointCloud {
        let columns: [[Float]] = try data.withUnsafeBytes { bytes in
            let header = try PCDHeader.parse(bytes, path: path)
            let plan = try PCDColumnPlan(header: header, path: path)
            switch header.encoding {
            case .ascii: return try PCDASCIICodec.decode(bytes, header: header, plan: plan, path: path)
            case .binary: return try PCDBinaryCodec.decode(bytes, header: header, plan: plan, path: path)
            case .binaryCompressed: return try PCDBinaryCompressedCodec.decode(bytes, header: header, plan: plan, path: path)
            }
        }
        return try cloud(columns, dropNonFinite: options.dropNonFinite)
    }

    /// Encodes `cloud` as a complete PCD file.
    static func encode(_ cloud: PointCloud, encoding: PCDEncoding, layout: PCDWriteLayout, path: String) throws -> [UInt8] {
        let fourth: [UInt32]
        switch layout {
        case .xyzIntensity:
            fourth = cloud.intensity.map(\.bitPattern)
        case .open3DPackedRGB:
            fourth = try cloud.intensity.enumerated().map { i, value in
                guard value >= 0 && value <= 1 else {
                    throw V2XError(
                        .invalidArgument, "intensity \(value) of point \(i) is outside [0, 1]; packed rgb cannot hold it",
                        path: path)
                }
                return UInt32((value * 255).rounded()) << 16
            }
        }
        let header = try PCDHeader(
            fields: ["x", "y", "z", layout == .xyzIntensity ? "intensity" : "rgb"],
            sizes: [4, 4, 4, 4], types: [.float, .float, .float, .float], counts: [1, 1, 1, 1],
            width: cloud.count, height: 1, encoding: encoding)
        var out = Array(header.text.utf8)
        switch encoding {
        case .ascii: out += PCDASCIICodec.encode(x: cloud.x, y: cloud.y, z: cloud.z, fourth: fourth)
        case .binary: out += PCDBinaryCodec.encode(x: cloud.x, y: cloud.y, z: cloud.z, fourth: fourth)
        case .binaryCompressed:
            out += try PCDBinaryCompressedCodec.encode(x: cloud.x, y: cloud.y, z: cloud.z, fourth: fourth, path: path)
        }
        return out
    }

    /// The bytes of a file, or `V2XError.ioFailure` / `.notFound` naming it.
    static func contents(of url: URL) throws -> Data {
        do {
            return try Data(contentsOf: url)
        } catch {
            let missing = !FileManager.default.fileExists(atPath: url.path)
            throw V2XError(missing ? .notFound : .ioFailure, "cannot read: \(error.localizedDescription)", path: url.path)
        }
    }

    /// A cloud from x, y, z, intensity columns of equal length, optionally without non-finite points.
    static func cloud(_ columns: [[Float]], dropNonFinite: Bool) throws -> PointCloud {
        var (x, y, z, intensity) = (columns[0], columns[1], columns[2], columns[3])
        if dropNonFinite {
            var kept = 0
            for i in x.indices where x[i].isFinite && y[i].isFinite && z[i].isFinite {
                if kept != i { x[kept] = x[i]; y[kept] = y[i]; z[kept] = z[i]; intensity[kept] = intensity[i] }
                kept += 1
            }
            if kept != x.count {
                x.removeSubrange(kept...); y.removeSubrange(kept...)
                z.removeSubrange(kept...); intensity.removeSubrange(kept...)
            }
        }
        return try PointCloud(x: x, y: y, z: z, intensity: intensity)
    }
}
