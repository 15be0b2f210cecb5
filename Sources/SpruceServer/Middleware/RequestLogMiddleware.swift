import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Takes the client's address from `X-Forwarded-For` when the peer is a trusted proxy. Outermost, so that the log
/// line and the rate limits see the same address.
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = SpruceRequestContext

    let trustedProxies: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var context = context
        context.clientAddress = ClientAddress.resolve(
            peer: context.clientAddress, forwardedFor: request.headers[values: .xForwardedFor],
            trustedProxies: trustedProxies)
        return try await next(request, context)
    }
}

/// One structured log line per request: method, the route template (never the raw path, which may hold an
/// invitation token), status, duration and client address. No query strings, cookies or bodies. The line is queued
/// on the ``RequestLog``, whose own thread formats and writes it.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = SpruceRequestContext

    let log: RequestLog

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        log.record(
            method: request.method, route: context.endpointPath, status: response.status,
            elapsed: ContinuousClock.now - start, client: context.clientAddress,
            requestID: context.logger[metadataKey: "hb.request.id"])
        return response
    }
}
