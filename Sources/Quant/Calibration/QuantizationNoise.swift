import Foundation
import V2XCore

/// Signal-to-quantization-noise ratio of an approximation (int8) against a reference
/// (fp32), accumulated over any number of tensor pairs:
///
///     SQNR = 10 · log10( Σ ref² / Σ (ref − approx)² )   dB
///
/// Sums run in Double. Each bit of resolution is worth about 6 dB; a u8 tensor quantized
/// over its exact range reaches about 40–50 dB on typical activations.
public struct QuantizationNoise: Sendable, Equatable {
    /// `Σ ref²`.
    public private(set) var signalEnergy = 0.0
    /// `Σ (ref − approx)²`.
    public private(set) var noiseEnergy = 0.0
    /// Values compared.
    public private(set) var count = 0

    public init() {}

    /// Adds one pair of tensors, compared value by value.
    /// - Throws: `V2XError.shapeMismatch` when the counts differ, `.nonFiniteValue` when
    ///   either holds NaN or infinity.
    public mutating func add(reference: [Float], approximation: [Float]) throws {
        guard reference.count == approximation.count else {
            throw V2XError(.shapeMismatch, "cannot compare \(reference.count) reference values with \(approximation.count)")
        }
        var signal = 0.0, noise = 0.0
        for (r, a) in zip(reference, approximation) {
            guard r.isFinite, a.isFinite else {
                throw V2XError(.nonFiniteValue, "SQNR inputs must be finite")
            }
            let rd = Double(r), e = rd - Double(a)
            signal += rd * rd
            noise += e * e
        }
        signalEnergy += signal
        noiseEnergy += noise
        count += reference.count
    }

    /// The ratio in decibels: `+∞` for an exact approximation, `−∞` for an all-zero reference
    /// with noise, NaN before anything was added.
    public var decibels: Double {
        guard count > 0 else { return .nan }
        if noiseEnergy == 0 { return signalEnergy == 0 ? .nan : .infinity }
        return 10 * log10(signalEnergy / noiseEnergy)
    }
}
