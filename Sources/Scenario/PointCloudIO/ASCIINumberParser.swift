/// Parses numbers from the bytes of an ascii PCD payload without allocating.
///
/// Decimal grammar: `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`, or
/// `[+-]? (nan | inf | infinity)` in any case.
///
/// Floats are correctly rounded (round to nearest, ties to even, subnormals included):
/// - fast path: the first 19 significant digits `w` and the decimal exponent `e` give
///   `r = w · 10^e` in Double with a relative error below 2^-51 (a few roundings plus the
///   dropped digits, < 10^-18). `Float(r)` is then the correct Float unless `r` lies within that
///   error of a Float rounding boundary (a midpoint between two neighbours).
///   For Double (F8 fields) Clinger's exact case: `w ≤ 2^53`, no dropped digits, `|e| ≤ 22`.
/// - fallback, when the fast path cannot decide: the standard library's correctly rounded
///   `Float(_:)` / `Double(_:)` on the token (a short inline string, rare in practice).
enum ASCIINumberParser {
    /// Exactly representable powers of ten up to 1e22, then correctly rounded ones up to 1e70.
    private static let powersOfTen: [Double] = (0...70).map { Double("1e\($0)") ?? .nan }

    /// A decimal token split into its parts.
    private struct Decimal {
        var negative = false
        /// The first (up to) 19 significant digits.
        var mantissa: UInt64 = 0
        var digits = 0
        /// value ≈ mantissa · 10^exponent
        var exponent = 0
        /// Digits beyond the 19th were dropped (some of them non-zero).
        var inexact = false
        var special: Double?
    }

    /// Splits a token into a `Decimal`; nil when it is not a number.
    @inline(__always)
    private static func scan(_ p: UnsafePointer<UInt8>, _ n: Int) -> Decimal? {
        var d = Decimal()
        var i = 0
        // Every `p[i]` below is guarded by `i < n`, and `p` points at `n` readable bytes.
        if i < n && (p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+")) {
            d.negative = p[i] == UInt8(ascii: "-")
            i += 1
        }
        if i < n && (p[i] | 0x20) >= UInt8(ascii: "a") {
            let rest = n - i
            func matches(_ word: StaticString) -> Bool {
                guard rest == word.utf8CodeUnitCount else { return false }
                let w = word.utf8Start
                // Safe: both ranges hold `rest` bytes (checked just above).
                return (0..<rest).allSatisfy { (p[i + $0] | 0x20) == w[$0] }
            }
            if matches("nan") { d.special = d.negative ? -Double.nan : .nan; return d }
            if matches("inf") || matches("infinity") { d.special = d.negative ? -.infinity : .infinity; return d }
            return nil
        }
        var sawDigit = false
        while i < n {
            let c = p[i] &- UInt8(ascii: "0")
            guard c < 10 else { break }
            sawDigit = true
            if d.mantissa == 0 && c == 0 {
                // leading zero
            } else if d.digits < 19 {
                d.mantissa = d.mantissa &* 10 &+ UInt64(c); d.digits += 1
            } else {
                d.exponent += 1
                if c != 0 { d.inexact = true }
            }
            i += 1
        }
        if i < n && p[i] == UInt8(ascii: ".") {
            i += 1
            while i < n {
                let c = p[i] &- UInt8(ascii: "0")
                guard c < 10 else { break }
                sawDigit = true
                if d.mantissa == 0 && c == 0 {
                    d.exponent -= 1
                } else if d.digits < 19 {
                    d.mantissa = d.mantissa &* 10 &+ UInt64(c); d.digits += 1; d.exponent -= 1
                } else if c != 0 {
                    d.inexact = true
                }
                i += 1
            }
        }
        guard sawDigit else { return nil }
        if i < n && (p[i] | 0x20) == UInt8(ascii: "e") {
            i += 1
            var negativeExponent = false
            if i < n && (p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+")) {
                negativeExponent = p[i] == UInt8(ascii: "-")
                i += 1
            }
            var value = 0
            var sawExponentDigit = false
            while i < n {
                let c = p[i] &- UInt8(ascii: "0")
                guard c < 10 else { break }
                sawExponentDigit = true
                if value < 100_000 { value = value * 10 + Int(c) }
                i += 1
            }
            guard sawExponentDigit else { return nil }
            d.exponent += negativeExponent ? -value : value
        }
        return i == n ? d : nil
    }

    /// The correctly rounded Float of a decimal token; nil when it is not a number.
    static func float(_ p: UnsafePointer<UInt8>, count n: Int) -> Float? {
        guard let d = scan(p, n) else { return nil }
        if let special = d.special { return Float(special) }
        if d.mantissa == 0 { return d.negative ? -0.0 : 0.0 }
        let magnitude = d.digits + d.exponent  // 10^(magnitude-1) ≤ value < 10^magnitude
        if magnitude - 1 >= 39 { return d.negative ? -.infinity : .infinity }  // ≥ 1e39 > Float.max
        if magnitude <= -46 { return d.negative ? -0.0 : 0.0 }  // < 1e-46 < 2^-150, rounds to 0
        // Here -65 < exponent < 39, inside the table.
        let w = Double(d.mantissa)
        let r = d.exponent >= 0 ? w * powersOfTen[d.exponent] : w / powersOfTen[-d.exponent]
        let f = Float(r)
        if f.isFinite && f < .greatestFiniteMagnitude {
            let lowMid = (Double(f) + Double(f.nextDown)) / 2  // exact: neighbours, well inside Double's range
            let highMid = (Double(f) + Double(f.nextUp)) / 2
            let margin = r * 0x1p-49
            if r - lowMid > margin && highMid - r > margin { return d.negative ? -f : f }
        }
        return fallback(p, n)
    }

    /// The correctly rounded Double of a decimal token; nil when it is not a number.
    static func double(_ p: UnsafePointer<UInt8>, count n: Int) -> Double? {
        guard let d = scan(p, n) else { return nil }
        if let special = d.special { return special }
        if d.mantissa == 0 { return d.negative ? -0.0 : 0.0 }
        if !d.inexact && d.mantissa <= 1 << 53 && abs(d.exponent) <= 22 {
            let w = Double(d.mantissa)  // exact: ≤ 2^53
            let r = d.exponent >= 0 ? w * powersOfTen[d.exponent] : w / powersOfTen[-d.exponent]
            return d.negative ? -r : r
        }
        return fallback(p, n)
    }

    /// A signed integer token that fits in `bits` bits.
    static func signed(_ p: UnsafePointer<UInt8>, count n: Int, bits: Int) -> Int64? {
        var i = 0
        var negative = false
        // Every `p[i]` is guarded by `i < n`.
        if i < n && (p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+")) { negative = p[i] == UInt8(ascii: "-"); i += 1 }
        guard let magnitude = digits(p + i, n - i) else { return nil }
        let limit = UInt64(1) << (bits - 1)  // |min| of the type
        guard negative ? magnitude <= limit : magnitude < limit else { return nil }
        return negative ? Int64(truncatingIfNeeded: 0 &- magnitude) : Int64(magnitude)
    }

    /// An unsigned integer token that fits in `bits` bits.
    static func unsigned(_ p: UnsafePointer<UInt8>, count n: Int, bits: Int) -> UInt64? {
        var i = 0
        if i < n && p[i] == UInt8(ascii: "+") { i += 1 }  // guarded by `i < n`
        guard let value = digits(p + i, n - i) else { return nil }
        guard bits == 64 || value < UInt64(1) << bits else { return nil }
        return value
    }

    /// The bits of a packed colour token of TYPE `type`.
    ///
    /// PCL's ascii writer prints a float `rgb` as the decimal of its u32 bits (`16711680`),
    /// Open3D prints the float itself (`2.341805e-38`). A token of digits only is therefore
    /// taken as the bits; anything else is parsed as a Float and its bits kept.
    static func packedColor(_ p: UnsafePointer<UInt8>, count n: Int, type: PCDHeader.FieldType) -> UInt32? {
        switch type {
        case .unsigned:
            return unsigned(p, count: n, bits: 32).map { UInt32($0) }
        case .signed:
            return signed(p, count: n, bits: 32).map { UInt32(bitPattern: Int32($0)) }
        case .float:
            if let bits = digits(p, n), bits <= UInt64(UInt32.max) { return UInt32(bits) }
            return float(p, count: n)?.bitPattern
        }
    }

    /// A run of 1…20 decimal digits that fits in UInt64.
    private static func digits(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64? {
        guard n > 0 else { return nil }
        var value: UInt64 = 0
        for i in 0..<n {
            let c = p[i] &- UInt8(ascii: "0")  // i < n
            guard c < 10 else { return nil }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(c))
            guard !o1, !o2 else { return nil }
            value = sum
        }
        return value
    }

    private static func fallback<T: LosslessStringConvertible>(_ p: UnsafePointer<UInt8>, _ n: Int) -> T? {
        T(String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self))
    }
}
