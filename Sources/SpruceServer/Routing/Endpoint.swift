import HTTPTypes
import Hummingbird

/// One route: a method and a path template relative to the group it is registered on. Controllers register their
/// routes with it, and the routes other parts of the server name (``HotReads``) are these same constants.
struct Endpoint: Hashable, Sendable {
    let method: HTTPRequest.Method
    let path: String

    init(_ method: HTTPRequest.Method, _ path: String) {
        self.method = method
        self.path = path
    }
}

extension RouterMethods {
    /// Registers `handler` for `endpoint` on this group.
    @discardableResult
    func on(
        _ endpoint: Endpoint,
        use handler: @escaping @Sendable (Request, Context) async throws -> Response
    ) -> Self {
        on(RouterPath(endpoint.path), method: endpoint.method, use: handler)
    }
}
