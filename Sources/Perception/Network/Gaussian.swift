import Foundation

/// Standard normal samples (Box–Muller) from any random number generator, for weight
/// initialisation and augmentation that must be reproducible from a seed.
public enum Gaussian {
    /// One sample of N(0, 1).
    public static func sample<G: RandomNumberGenerator>(using rng: inout G) -> Float {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &rng)
        let u2 = Double.random(in: 0..<1, using: &rng)
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }
}
