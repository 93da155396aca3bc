/// The error every v2x library throws.
///
/// Modelled on SwiftNIO's error structs: a `code` that wraps a private enum (so new
/// cases can be added without breaking users), a human-readable `message`, and where
/// it applies the file (and line) the problem was found in.
///
/// ```swift
/// throw V2XError(.truncatedFile, "expected 4800 payload bytes, found 1200", path: url.path)
/// ```
public struct V2XError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is. Compare with `==` against the static members.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidArgument = "invalid argument"
            case ioFailure = "I/O failure"
            case truncatedFile = "truncated file"
            case malformedHeader = "malformed header"
            case malformedData = "malformed data"
            case unsupportedFormat = "unsupported format"
            case shapeMismatch = "shape mismatch"
            case nonFiniteValue = "non-finite value"
            case notFound = "not found"
            case transportFailure = "transport failure"
            case rejectedMessage = "rejected message"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// A parameter or option outside its valid range.
        public static let invalidArgument = Code(.invalidArgument)
        /// Reading or writing a file or socket failed at the OS level.
        public static let ioFailure = Code(.ioFailure)
        /// A file ended before the data its header promised.
        public static let truncatedFile = Code(.truncatedFile)
        /// A header is missing fields or its fields contradict each other.
        public static let malformedHeader = Code(.malformedHeader)
        /// A payload cannot be decoded (bad back-reference, bad number, bad JSON value).
        public static let malformedData = Code(.malformedData)
        /// A valid file in a variant this build does not read.
        public static let unsupportedFormat = Code(.unsupportedFormat)
        /// Tensor, grid or array sizes that do not agree.
        public static let shapeMismatch = Code(.shapeMismatch)
        /// NaN or infinity where a finite number is required.
        public static let nonFiniteValue = Code(.nonFiniteValue)
        /// A file, key, agent or frame that does not exist.
        public static let notFound = Code(.notFound)
        /// A message transport (ZeroMQ) failed.
        public static let transportFailure = Code(.transportFailure)
        /// A message was refused (forged, replayed, oversized, malformed).
        public static let rejectedMessage = Code(.rejectedMessage)

        public var description: String { base.rawValue }
    }

    /// What kind of failure this is.
    public var code: Code
    /// What went wrong, in words a user can act on.
    public var message: String
    /// The file the problem was found in, when there is one.
    public var path: String?
    /// The 1-based line in `path`, for text formats.
    public var line: Int?

    /// Creates an error.
    /// - Parameters:
    ///   - code: the kind of failure.
    ///   - message: what went wrong.
    ///   - path: the file concerned, if any.
    ///   - line: the 1-based line in that file, if known.
    public init(_ code: Code, _ message: String, path: String? = nil, line: Int? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.line = line
    }

    public var description: String {
        var location = ""
        if let path {
            location = path
            if let line { location += ":\(line)" }
            location += ": "
        }
        return "\(location)\(code): \(message)"
    }
}
