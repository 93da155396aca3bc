import QuantKernels
import V2XCore

/// Maps the `V2X_STATUS_*` codes of the C kernels to `V2XError`.
enum KernelStatus {
    /// - Throws: `V2XError.invalidArgument` for any status other than `V2X_STATUS_OK`.
    static func check(_ status: Int32, operation: String) throws {
        switch status {
        case Int32(V2X_STATUS_OK):
            return
        case Int32(V2X_STATUS_UNSUPPORTED_ISA):
            throw V2XError(.invalidArgument, "\(operation): this CPU does not support the requested kernel ISA")
        case Int32(V2X_STATUS_ACCUMULATOR_RANGE):
            throw V2XError(.invalidArgument, "\(operation): the bias leaves no room in the s32 accumulator")
        default:
            throw V2XError(.invalidArgument, "\(operation): the kernel rejected its parameters (status \(status))")
        }
    }
}
