import Foundation
import QuantKernels
import V2XCore

/// The instruction set an int8 kernel runs on. Every path computes bit-identical results;
/// they differ only in speed.
///
/// | case          | kernel                                                     |
/// |---------------|------------------------------------------------------------|
/// | `.scalar`     | portable C, the reference                                  |
/// | `.avx2`       | ymm, u8/s8 widened to s16, pairs summed by `vpmaddwd`      |
/// | `.avxVNNI`    | ymm `vpdpbusd` (VEX, AVX-VNNI)                             |
/// | `.avx512VNNI` | zmm `vpdpbusd` (AVX-512 VNNI + BW + VL)                    |
///
/// The environment variable `V2X_KERNEL_ISA=scalar|avx2|avxvnni|avx512vnni` forces a path
/// (see ``forced(from:)``); forcing one this CPU lacks is an error, not a crash.
public enum KernelISA: String, Sendable, CaseIterable, Codable, CustomStringConvertible {
    case scalar
    case avx2
    case avxVNNI = "avxvnni"
    case avx512VNNI = "avx512vnni"

    /// The variable ``forced(from:)`` reads.
    public static let environmentVariable = "V2X_KERNEL_ISA"

    /// The fastest path this CPU and OS support.
    public static var detected: KernelISA { KernelISA(code: v2x_kernel_isa_detected()) ?? .scalar }

    /// Every path this CPU and OS support, slowest first.
    public static var supported: [KernelISA] { allCases.filter(\.isSupported) }

    /// Whether this CPU and OS can run the path.
    public var isSupported: Bool { v2x_kernel_isa_supported(code) != 0 }

    public var description: String { rawValue }

    /// The path `V2X_KERNEL_ISA` forces, or `nil` when the variable is unset or empty.
    /// - Throws: `V2XError.invalidArgument` for an unknown name or a path this CPU lacks.
    public static func forced(from environment: [String: String] = ProcessInfo.processInfo.environment) throws -> KernelISA? {
        guard let name = environment[environmentVariable], !name.isEmpty else { return nil }
        guard let isa = KernelISA(rawValue: name.lowercased()) else {
            throw V2XError(.invalidArgument, "\(environmentVariable)=\(name) is not one of \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        try isa.requireSupported(origin: "\(environmentVariable)=\(name)")
        return isa
    }

    /// The path kernels use by default: the forced one when `V2X_KERNEL_ISA` is set, else ``detected``.
    /// - Throws: as ``forced(from:)``.
    public static func selected(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> KernelISA {
        try forced(from: environment) ?? detected
    }

    /// - Throws: `V2XError.invalidArgument` when this CPU cannot run the path.
    func requireSupported(origin: String) throws {
        guard isSupported else {
            throw V2XError(.invalidArgument, "\(origin): this CPU does not support the \(rawValue) kernels (supported: \(KernelISA.supported.map(\.rawValue).joined(separator: ", ")))")
        }
    }

    /// The `V2X_ISA_*` value of the C kernels.
    var code: Int32 {
        switch self {
        case .scalar: Int32(V2X_ISA_SCALAR)
        case .avx2: Int32(V2X_ISA_AVX2)
        case .avxVNNI: Int32(V2X_ISA_AVX_VNNI)
        case .avx512VNNI: Int32(V2X_ISA_AVX512_VNNI)
        }
    }

    init?(code: Int32) {
        guard let isa = KernelISA.allCases.first(where: { $0.code == code }) else { return nil }
        self = isa
    }
}
