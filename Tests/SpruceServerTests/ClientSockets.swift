import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs blocking socket work on a Dispatch thread, never on the cooperative pool the server under test needs:
/// a `recv` that waits there can starve the server on a two-core machine until the receive timeout.
func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
    }
}

/// A TCP connection to the test server from a chosen loopback address (every 127.x.y.z is this machine on
/// Linux), so that several clients can be told apart by address, and so that a test can send half a request or
/// hold a connection idle.
final class ClientSocket: @unchecked Sendable {
    /// How long a test waits for the server to say something unless it chooses a bound of its own. It is long
    /// because the whole suite runs at once on two cores, and a login waits for a hashing thread that yields to
    /// every serving thread (`PasswordPool`): the CI run of e5c8bb2 gave up on a login after 10 s.
    static let defaultReceiveTimeout = 60

    let descriptor: Int32
    let receiveTimeout: Int

    /// Connects to `127.0.0.1:port`, leaving from `source`.
    init(port: Int, from source: String = "127.0.0.1", receiveTimeout: Int = defaultReceiveTimeout) throws {
        self.receiveTimeout = receiveTimeout
        descriptor = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw FixtureError(description: "socket() failed: errno \(errno)") }
        var timeout = timeval(tv_sec: receiveTimeout, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        local.sin_addr.s_addr = inet_addr(source)
        let bound = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            Glibc.close(descriptor)
            throw FixtureError(description: "bind() to \(source) failed: errno \(errno)")
        }
        var remote = sockaddr_in()
        remote.sin_family = sa_family_t(AF_INET)
        remote.sin_port = in_port_t(UInt16(port).bigEndian)
        remote.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &remote) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            Glibc.close(descriptor)
            throw FixtureError(description: "connect() to port \(port) failed: errno \(errno)")
        }
    }

    deinit { Glibc.close(descriptor) }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        let sent = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == bytes.count else { throw FixtureError(description: "send() failed: errno \(errno)") }
    }

    /// Everything the server sends until it closes the connection (or the receive timeout passes: `closed` false).
    func receiveAll() -> (bytes: [UInt8], closed: Bool) {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count == 0 { return (received, true) }
            if count < 0 { return (received, errno == ECONNRESET) }
            received.append(contentsOf: buffer[..<count])
        }
    }
}

/// A browser over plain sockets from one loopback address: one request per connection (`Connection: close`),
/// cookies kept, for tests where the client's address matters.
final class AddressedBrowser: @unchecked Sendable {
    let port: Int
    let source: String
    private(set) var cookies: [String: String] = [:]

    init(port: Int, from source: String) {
        self.port = port
        self.source = source
    }

    struct Reply: Sendable {
        let status: Int
        let headers: [(String, String)]
        let body: String

        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }

        var csrfToken: String? {
            guard let range = body.range(of: "name=\"csrf_token\" value=\"") else { return nil }
            let rest = body[range.upperBound...]
            return rest.firstIndex(of: "\"").map { String(rest[..<$0]).replacingOccurrences(of: "&amp;", with: "&") }
        }
    }

    func request(_ method: String, _ path: String, form: [String: String]? = nil) throws -> Reply {
        let socket = try ClientSocket(port: port, from: source)
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        if !cookies.isEmpty {
            head += "Cookie: " + cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") + "\r\n"
        }
        var body = ""
        if let form {
            body = form.map { "\(Browser.encode($0.key))=\(Browser.encode($0.value))" }.joined(separator: "&")
            head += "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(body.utf8.count)\r\n"
        }
        try socket.send(head + "\r\n" + body)
        let (bytes, closed) = socket.receiveAll()
        let text = String(decoding: bytes, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else {
            let how = closed ? "the server closed the connection" : "nothing more within \(socket.receiveTimeout) s"
            throw FixtureError(
                description: "\(method) \(path) from \(source): no whole response head (\(how)): \(text)")
        }
        let lines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        guard let status = lines.first?.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else {
            throw FixtureError(description: "no status line: \(text)")
        }
        let headers = lines.dropFirst().compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        for (name, value) in headers where name.lowercased() == "set-cookie" {
            let pair = value.split(separator: ";", maxSplits: 1)[0].split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            cookies[String(pair[0])] = value.lowercased().contains("max-age=0") ? nil : String(pair[1])
        }
        return Reply(status: status, headers: headers, body: String(text[split.upperBound...]))
    }

    /// Logs in through the form, off the cooperative pool; returns the reply to the POST.
    func logIn(_ login: String, password: String) async throws -> Reply {
        try await offPool {
            let page = try self.request("GET", "/login")
            return try self.request(
                "POST", "/login",
                form: [
                    "login": login, "password": password, "csrf_token": page.csrfToken ?? "",
                ])
        }
    }
}

extension RawHTTP {
    /// ``exchange(port:_:)`` on a Dispatch thread (see ``offPool(_:)``).
    static func exchangeOffPool(port: Int, _ requests: String) async throws -> String {
        try await offPool { try exchange(port: port, requests) }
    }
}
