import Foundation
import V2XCore

/// A spinning multi-beam LiDAR, as described by `calibration/lidars/<name>.yaml`.
///
/// ```yaml
/// name: hdl64
/// rotation_rate_hz: 10
/// azimuth_resolution_deg: 0.2        # 360 / resolution must be a whole number of columns
/// min_range_m: 1.0
/// max_range_m: 120
/// range_noise_sigma_m: 0.02          # Gaussian, per return
/// dropout_probability: 0.03          # chance that a return is lost
/// intensity_noise_sigma: 0.02        # Gaussian, added to reflectivity × cos(incidence)
/// beam_elevations_deg: [2.0, 1.67, …]
/// ```
/// Rays of one sweep are ordered azimuth-major: column `a` (azimuth `a · resolution`,
/// counter-clockwise from +x, REP 103) holds the beams in table order.
public struct LidarModel: Sendable, Equatable {
    public let name: String
    /// Elevation of each beam above the sensor's xy plane, degrees.
    public let beamElevationsDegrees: [Double]
    /// Angle between consecutive firing columns, degrees.
    public let azimuthResolutionDegrees: Double
    /// Spin rate; one sweep per turn. The generator takes one sweep per 10 Hz frame and
    /// ignores motion during a sweep, so this value is documentation for consumers.
    public let rotationRateHertz: Double
    /// Returns nearer than this are discarded, metres.
    public let minRangeMeters: Double
    /// Returns farther than this are discarded, metres.
    public let maxRangeMeters: Double
    /// Standard deviation of the Gaussian range error, metres.
    public let rangeNoiseSigmaMeters: Double
    /// Probability that a return is lost, in [0, 1).
    public let dropoutProbability: Double
    /// Standard deviation of the Gaussian intensity error.
    public let intensityNoiseSigma: Double

    /// Number of beams (rows).
    public var beamCount: Int { beamElevationsDegrees.count }
    /// Number of firing columns per turn.
    public var azimuthCount: Int { Int((360 / azimuthResolutionDegrees).rounded()) }
    /// Rays per sweep.
    public var raysPerSweep: Int { beamCount * azimuthCount }

    /// Creates a model, checking every value.
    /// - Throws: `V2XError.invalidArgument` naming the first value out of range.
    public init(
        name: String, beamElevationsDegrees: [Double], azimuthResolutionDegrees: Double, rotationRateHertz: Double,
        minRangeMeters: Double, maxRangeMeters: Double, rangeNoiseSigmaMeters: Double,
        dropoutProbability: Double, intensityNoiseSigma: Double
    ) throws {
        let r = GeneratorYAML.require
        try r(!name.isEmpty, "name must not be empty")
        try r(!beamElevationsDegrees.isEmpty && beamElevationsDegrees.count <= 512, "beam_elevations_deg must list 1…512 beams, found \(beamElevationsDegrees.count)")
        try r(beamElevationsDegrees.allSatisfy { $0.isFinite && abs($0) < 90 }, "beam_elevations_deg must be finite and within (-90, 90)")
        try r(azimuthResolutionDegrees.isFinite && azimuthResolutionDegrees >= 0.01 && azimuthResolutionDegrees <= 10,
              "azimuth_resolution_deg must be in [0.01, 10], got \(azimuthResolutionDegrees)")
        let columns = 360 / azimuthResolutionDegrees
        try r(abs(columns - columns.rounded()) < 1e-6, "azimuth_resolution_deg \(azimuthResolutionDegrees) does not divide 360 into whole columns")
        try r(rotationRateHertz.isFinite && rotationRateHertz > 0 && rotationRateHertz <= 100, "rotation_rate_hz must be in (0, 100], got \(rotationRateHertz)")
        try r(minRangeMeters.isFinite && minRangeMeters >= 0, "min_range_m must be ≥ 0, got \(minRangeMeters)")
        try r(maxRangeMeters.isFinite && maxRangeMeters > minRangeMeters && maxRangeMeters <= 1000,
              "max_range_m must be > min_range_m and ≤ 1000, got \(maxRangeMeters)")
        try r(rangeNoiseSigmaMeters.isFinite && rangeNoiseSigmaMeters >= 0 && rangeNoiseSigmaMeters <= 1, "range_noise_sigma_m must be in [0, 1], got \(rangeNoiseSigmaMeters)")
        try r(dropoutProbability.isFinite && dropoutProbability >= 0 && dropoutProbability < 1, "dropout_probability must be in [0, 1), got \(dropoutProbability)")
        try r(intensityNoiseSigma.isFinite && intensityNoiseSigma >= 0 && intensityNoiseSigma <= 1, "intensity_noise_sigma must be in [0, 1], got \(intensityNoiseSigma)")
        self.name = name
        self.beamElevationsDegrees = beamElevationsDegrees
        self.azimuthResolutionDegrees = azimuthResolutionDegrees
        self.rotationRateHertz = rotationRateHertz
        self.minRangeMeters = minRangeMeters
        self.maxRangeMeters = maxRangeMeters
        self.rangeNoiseSigmaMeters = rangeNoiseSigmaMeters
        self.dropoutProbability = dropoutProbability
        self.intensityNoiseSigma = intensityNoiseSigma
    }

    /// Reads `calibration/lidars/<name>.yaml`.
    /// - Throws: `V2XError` naming the file when it is missing, malformed or out of range.
    public static func load(from url: URL) throws -> LidarModel {
        try GeneratorYAML.decode(LidarModel.self, from: url)
    }

    /// Unit ray directions in the sensor frame, azimuth-major (see the type's summary).
    func sensorDirections() -> [SIMD3<Float>] {
        var out = [SIMD3<Float>]()
        out.reserveCapacity(raysPerSweep)
        let elevations = beamElevationsDegrees.map { $0 * .pi / 180 }
        for a in 0..<azimuthCount {
            let azimuth = Double(a) * azimuthResolutionDegrees * .pi / 180
            for e in elevations {
                out.append(SIMD3(Float(cos(e) * cos(azimuth)), Float(cos(e) * sin(azimuth)), Float(sin(e))))
            }
        }
        return out
    }
}

extension LidarModel: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case name
        case beamElevationsDegrees = "beam_elevations_deg"
        case azimuthResolutionDegrees = "azimuth_resolution_deg"
        case rotationRateHertz = "rotation_rate_hz"
        case minRangeMeters = "min_range_m"
        case maxRangeMeters = "max_range_m"
        case rangeNoiseSigmaMeters = "range_noise_sigma_m"
        case dropoutProbability = "dropout_probability"
        case intensityNoiseSigma = "intensity_noise_sigma"
    }

    public init(from decoder: any Decoder) throws {
        try GeneratorYAML.rejectUnknownKeys(in: decoder, allowed: CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            name: c.decode(String.self, forKey: .name),
            beamElevationsDegrees: c.decode([Double].self, forKey: .beamElevationsDegrees),
            azimuthResolutionDegrees: c.decode(Double.self, forKey: .azimuthResolutionDegrees),
            rotationRateHertz: c.decode(Double.self, forKey: .rotationRateHertz),
            minRangeMeters: c.decode(Double.self, forKey: .minRangeMeters),
            maxRangeMeters: c.decode(Double.self, forKey: .maxRangeMeters),
            rangeNoiseSigmaMeters: c.decode(Double.self, forKey: .rangeNoiseSigmaMeters),
            dropoutProbability: c.decode(Double.self, forKey: .dropoutProbability),
            intensityNoiseSigma: c.decode(Double.self, forKey: .intensityNoiseSigma)
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(beamElevationsDegrees, forKey: .beamElevationsDegrees)
        try c.encode(azimuthResolutionDegrees, forKey: .azimuthResolutionDegrees)
        try c.encode(rotationRateHertz, forKey: .rotationRateHertz)
        try c.encode(minRangeMeters, forKey: .minRangeMeters)
        try c.encode(maxRangeMeters, forKey: .maxRangeMeters)
        try c.encode(rangeNoiseSigmaMeters, forKey: .rangeNoiseSigmaMeters)
        try c.encode(dropoutProbability, forKey: .dropoutProbability)
        try c.encode(intensityNoiseSigma, forKey: .intensityNoiseSigma)
    }
}
