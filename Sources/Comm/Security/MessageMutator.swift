import Foundation
import V2XCore

/// Makes hostile inputs from valid envelopes, deterministically for a seed: the fuzz
/// corpus of the gate's randomized test and of `v2x bench comm --fuzz`.
///
/// Each call picks one strategy:
/// - flip 1–8 random bits; truncate; insert or delete a byte run; overwrite with 0x00/0xFF/0x80;
/// - splice two envelopes; random bytes of random length; an oversized run;
/// - mutate the *payload* and re-sign it with a trusted key, so the mutation reaches the
///   payload parser behind the signature check (the hardest path for a receiver);
/// - replay a valid envelope unchanged.
public struct MessageMutator: Sendable {
    private var random: SplitMix64
    private let corpus: [[UInt8]]
    private let payloads: [[UInt8]]
    private let signer: SigningIdentity?
    /// Length of the oversized inputs it makes.
    public let oversizedBytes: Int

    /// - Parameters:
    ///   - corpus: valid envelopes (at least one).
    ///   - signer: a trusted identity used to re-sign mutated payloads; nil skips that strategy.
    ///   - oversizedBytes: length of oversized inputs (just above the receiver's limit).
    public init(corpus: [[UInt8]], signer: SigningIdentity?, oversizedBytes: Int, seed: UInt64) {
        precondition(!corpus.isEmpty, "the mutator needs at least one valid envelope")
        random = SplitMix64(seed: seed)
        self.corpus = corpus
        self.payloads = corpus.compactMap { try? [UInt8](V2x_Wire_Envelope(serializedBytes: $0).payload) }
        self.signer = signer
        self.oversizedBytes = oversizedBytes
    }

    private mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(random.next() % UInt64(n)) }

    private mutating func mutateBytes(_ input: [UInt8]) -> [UInt8] {
        var b = input
        switch below(6) {
        case 0:
            for _ in 0...below(8) where !b.isEmpty { b[below(b.count)] ^= 1 << UInt8(below(8)) }
        case 1:
            b = Array(b.prefix(below(b.count)))
        case 2:
            let run = (0..<(1 + below(16))).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            b.insert(contentsOf: run, at: below(b.count + 1))
        case 3:
            if !b.isEmpty {
                let start = below(b.count)
                b.removeSubrange(start..<min(b.count, start + 1 + below(16)))
            }
        case 4:
            let value: UInt8 = [0x00, 0xFF, 0x80, 0x7F][below(4)]
            if !b.isEmpty {
                let start = below(b.count)
                for i in start..<min(b.count, start + 1 + below(8)) { b[i] = value }
            }
        default:
            let other = corpus[below(corpus.count)]
            b = Array(b.prefix(below(b.count + 1))) + Array(other.suffix(below(other.count + 1)))
        }
        return b
    }

    /// The next hostile input.
    public mutating func next() -> [UInt8] {
        let base = corpus[below(corpus.count)]
        switch below(10) {
        case 0...4:
            return mutateBytes(base)
        case 5, 6:
            guard let signer, !payloads.isEmpty else { return mutateBytes(base) }
            let payload = mutateBytes(payloads[below(payloads.count)])
            return (try? signer.seal(payload: payload)) ?? mutateBytes(base)
        case 7:
            return (0..<below(512)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        case 8:
            return below(8) == 0 ? [UInt8](repeating: 0x41, count: oversizedBytes) : base
        default:
            return base
        }
    }
}
