import V2XCore

/// The deterministic generator tests draw from (SplitMix64, as the libraries use).
public typealias SeededGenerator = SplitMix64
