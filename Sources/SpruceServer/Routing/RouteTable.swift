import HTTPTypes
import Hummingbird

/// Every route the server registers, with its full path template, as the controllers registered it: what a 405's
/// `Allow` lists, and what the tests check against ``ReservedWords`` and the OpenAPI document.
struct RouteTable: Sendable {
    let endpoints: [Endpoint]

    /// The routes `register` adds, recorded without building a router.
    init(recording register: (RouteRecorder<SpruceRequestContext>) -> Void) {
        let recorder = RouteRecorder<SpruceRequestContext>()
        register(recorder)
        endpoints = recorder.endpoints
    }

    /// The methods routed for `path`, HEAD included wherever GET is: what a 405's `Allow` lists.
    func allowedMethods(for path: String) -> [String] {
        let segments = path.split(separator: "/")
        var methods: Set<String> = []
        for endpoint in endpoints {
            let template = endpoint.path.split(separator: "/")
            guard template.count == segments.count else { continue }
            let matches = zip(template, segments).allSatisfy { pattern, segment in
                pattern.hasPrefix("{") || pattern == segment
            }
            guard matches else { continue }
            methods.insert(endpoint.method.rawValue)
            if endpoint.method == .get { methods.insert("HEAD") }
        }
        return methods.sorted()
    }
}

/// A stand-in for the router that only writes down the method and full path of each route added through it or
/// through its groups (which hand their routes to it with their prefix joined on).
final class RouteRecorder<Context: RequestContext>: RouterMethods {
    private(set) var endpoints: [Endpoint] = []

    @discardableResult
    func on<Responder: HTTPResponder>(
        _ path: RouterPath,
        method: HTTPRequest.Method,
        responder: Responder
    ) -> Self where Responder.Context == Context {
        endpoints.append(Endpoint(method, path.description))
        return self
    }

    func add(middleware: any MiddlewareProtocol<Request, Response, Context>) -> Self { self }
}
