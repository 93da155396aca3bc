import Foundation
import V2XCore

/// How a PCD file stores its payload (the `DATA` line).
public enum PCDEncoding: String, Sendable, CaseIterable, Codable {
    case ascii
    case binary
    case binaryCompressed = "binary_compressed"
}

/// Options for reading PCD files.
public struct PCDReadOptions: Sendable, Equatable {
    /// Drop points whose x, y or z is NaN or infinite (organised clouds mark holes that way).
    public var dropNonFinite: Bool

    public init(dropNonFinite: Bool = true) { self.dropNonFinite = dropNonFinite }
}

/// Reads and writes Point Cloud Data files (PCL's PCD v0.7).
/// API placeholder for the parallel work on the full reader (see issue 2).
public enum PCDFile {
    /// Reads the x, y, z and intensity fields of a PCD file.
    public static func read(from url: URL, options: PCDReadOptions = .init()) throws -> PointCloud {
        throw V2XError(.unsupportedFormat, "PCD reading is not built yet", path: url.path)
    }

    /// Writes `cloud` with fields x y z intensity (F4) in the given encoding.
    public static func write(_ cloud: PointCloud, to url: URL, encoding: PCDEncoding) throws {
        throw V2XError(.unsupportedFormat, "PCD writing is not built yet", path: url.path)
    }
}
