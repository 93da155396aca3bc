import CZeroMQ
import V2XCore

/// A ZeroMQ context: owns the I/O threads of every socket made from it.
public final class ZMQContext: @unchecked Sendable {
    // libzmq contexts are thread-safe; the pointer is only read after init.
    let handle: UnsafeMutableRawPointer

    /// - Throws: `V2XError.transportFailure` when libzmq cannot create a context.
    public init() throws {
        guard let h = zmq_ctx_new() else { throw ZMQSocket.lastError("zmq_ctx_new") }
        handle = h
    }

    deinit { zmq_ctx_term(handle) }
}

/// A ZeroMQ socket. Not thread-safe (as in libzmq): use each socket from one task at a time.
public final class ZMQSocket {
    /// The socket patterns v2x uses.
    public enum Kind: Sendable {
        case pair, publisher, subscriber

        var rawValue: Int32 {
            switch self {
            case .pair: ZMQ_PAIR
            case .publisher: ZMQ_PUB
            case .subscriber: ZMQ_SUB
            }
        }
    }

    private let handle: UnsafeMutableRawPointer
    /// Keeps the context alive as long as the socket.
    private let context: ZMQContext

    /// Creates a socket with linger 0, so closing never blocks on unsent messages.
    public init(context: ZMQContext, kind: Kind) throws {
        guard let h = zmq_socket(context.handle, kind.rawValue) else { throw Self.lastError("zmq_socket") }
        handle = h
        self.context = context
        try setOption(ZMQ_LINGER, 0)
    }

    deinit { zmq_close(handle) }

    /// Binds to an endpoint such as `tcp://127.0.0.1:5555` or `inproc://name`.
    public func bind(_ endpoint: String) throws {
        guard zmq_bind(handle, endpoint) == 0 else { throw Self.lastError("zmq_bind \(endpoint)") }
    }

    /// Connects to an endpoint.
    public func connect(_ endpoint: String) throws {
        guard zmq_connect(handle, endpoint) == 0 else { throw Self.lastError("zmq_connect \(endpoint)") }
    }

    /// Sets an integer socket option (`ZMQ_LINGER`, `ZMQ_SNDHWM`, …).
    public func setOption(_ option: Int32, _ value: Int32) throws {
        var v = value
        guard zmq_setsockopt(handle, option, &v, MemoryLayout<Int32>.size) == 0 else {
            throw Self.lastError("zmq_setsockopt \(option)")
        }
    }

    /// Sets a 64-bit integer socket option (`ZMQ_MAXMSGSIZE`).
    public func setOption(_ option: Int32, int64 value: Int64) throws {
        var v = value
        guard zmq_setsockopt(handle, option, &v, MemoryLayout<Int64>.size) == 0 else {
            throw Self.lastError("zmq_setsockopt \(option)")
        }
    }

    /// Sets a binary socket option (`ZMQ_SUBSCRIBE` with a topic prefix).
    public func setOption(_ option: Int32, bytes: [UInt8]) throws {
        let rc = bytes.withUnsafeBytes { zmq_setsockopt(handle, option, $0.baseAddress, $0.count) }
        guard rc == 0 else { throw Self.lastError("zmq_setsockopt \(option)") }
    }

    /// The endpoint the socket last bound, with a wildcard port resolved
    /// (`tcp://127.0.0.1:*` → `tcp://127.0.0.1:41234`).
    public func lastEndpoint() throws -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        var size = buffer.count
        guard zmq_getsockopt(handle, ZMQ_LAST_ENDPOINT, &buffer, &size) == 0 else {
            throw Self.lastError("zmq_getsockopt ZMQ_LAST_ENDPOINT")
        }
        // libzmq writes a NUL-terminated string of at most `size` bytes into the buffer.
        return String(decoding: buffer.prefix(max(0, size - 1)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Sends one message.
    public func send(_ bytes: [UInt8]) throws {
        let rc = bytes.withUnsafeBytes { zmq_send(handle, $0.baseAddress, $0.count, 0) }
        guard rc >= 0 else { throw Self.lastError("zmq_send") }
    }

    /// Receives one whole message, waiting at most `timeoutMilliseconds` (-1: forever).
    /// - Returns: the message, or nil on time-out.
    public func receive(timeoutMilliseconds: Int32) throws -> [UInt8]? {
        var item = zmq_pollitem_t(socket: handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
        let ready = zmq_poll(&item, 1, Int(timeoutMilliseconds))
        guard ready >= 0 else { throw Self.lastError("zmq_poll") }
        if ready == 0 { return nil }
        var message = zmq_msg_t()
        zmq_msg_init(&message)
        defer { zmq_msg_close(&message) }
        guard zmq_msg_recv(&message, handle, 0) >= 0 else { throw Self.lastError("zmq_msg_recv") }
        let size = zmq_msg_size(&message)
        guard size > 0, let data = zmq_msg_data(&message) else { return [] }
        return Array(UnsafeRawBufferPointer(start: data, count: size))
    }

    static func lastError(_ call: String) -> V2XError {
        V2XError(.transportFailure, "\(call): \(String(cString: zmq_strerror(zmq_errno())))")
    }
}
