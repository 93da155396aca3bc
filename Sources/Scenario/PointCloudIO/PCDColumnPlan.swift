import V2XCore

/// Where the cloud's x, y, z and intensity come from in a PCD file's fields.
///
/// x, y and z are required. Intensity comes from an `intensity` field, else from the red byte
/// of a packed `rgb`/`rgba` field (Open3D / OPV2V), else it is 0. A field with COUNT > 1
/// contributes its first element. Every other field is skipped.
struct PCDColumnPlan: Sendable, Equatable {
    /// One output channel: the field it reads and how.
    struct Source: Sendable, Equatable {
        var field: Int
        var scalar: PCDScalar
    }

    var x: Source
    var y: Source
    var z: Source
    var intensity: Source?

    /// The four channels in cloud order (intensity may be absent).
    var channels: [Source?] { [x, y, z, intensity] }

    init(header: PCDHeader, path: String) throws {
        func numeric(_ name: String) throws -> Source? {
            guard let i = header.index(ofField: name) else { return nil }
            guard let scalar = PCDScalar(type: header.types[i], size: header.sizes[i]) else {
                throw V2XError(.malformedHeader, "field '\(name)' has an invalid SIZE/TYPE", path: path)
            }
            return Source(field: i, scalar: scalar)
        }
        func required(_ name: String) throws -> Source {
            guard let source = try numeric(name) else {
                throw V2XError(
                    .unsupportedFormat,
                    "no '\(name)' field (fields: \(header.fields.joined(separator: " "))); a point cloud needs x, y and z",
                    path: path)
            }
            return source
        }
        x = try required("x")
        y = try required("y")
        z = try required("z")
        if let source = try numeric("intensity") {
            intensity = source
        } else if let i = header.index(ofField: "rgb") ?? header.index(ofField: "rgba") {
            guard header.sizes[i] == 4 else {
                throw V2XError(
                    .unsupportedFormat, "packed colour field '\(header.fields[i])' has SIZE \(header.sizes[i]); expected 4",
                    path: path)
            }
            intensity = Source(field: i, scalar: .rgbRed)
        } else {
            intensity = nil
        }
    }
}
