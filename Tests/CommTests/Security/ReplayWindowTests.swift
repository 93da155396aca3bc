import Comm
import Testing
import V2XCore

@Suite struct ReplayWindowTests {
    @Test func acceptsEachNumberOnceWithinTheWindow() {
        var w = ReplayWindow(size: 8)
        // Feed the sequence and compare the verdicts as a whole.
        let inputs: [UInt64] = [100, 100, 95, 95, 92, 93, 1000, 100, 992, 993, .max, .max]
        let verdicts = inputs.map { w.accept($0) }
        // 92: 100 − 92 = 8 is outside a window of 8; 992 after 1000 likewise.
        #expect(verdicts == [true, false, true, false, false, true, true, false, false, true, true, false])
    }

    @Test func matchesASetModelOnRandomTraffic() {
        var rng = SplitMix64(seed: 3)
        var w = ReplayWindow(size: 64)
        var seen = Set<UInt64>()
        var highest: UInt64?
        var mismatches = 0
        for _ in 0..<20_000 {
            let base = highest ?? 500
            let s = base &+ rng.next() % 80 &- 70
            let expected = !seen.contains(s) && (highest.map { s > $0 || $0 - s < 64 } ?? true)
            let wouldAccept = w.wouldAccept(s)
            if w.accept(s) != expected || wouldAccept != expected { mismatches += 1 }
            if expected { seen.insert(s); highest = max(highest ?? s, s) }
        }
        #expect(mismatches == 0)
    }
}
