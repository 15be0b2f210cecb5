import Foundation
import HTTPTypes
import Hummingbird
import SpruceStore

/// Finds the patient's app session of the request's bearer token (`Authorization: Bearer spa_…`) for the app API
/// routes that need one. Only app tokens count: an organization's API key or a browser's session cookie is
/// refused like no token at all.
struct AppTokenMiddleware: RouterMiddleware {
    typealias Context = SpruceRequestContext

    let store: SpruceStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let token = request.bearerToken, let session = try await store.appSession(secret: token) else {
            throw ServerError(.appTokenRequired)
        }
        var context = context
        context.appSession = session
        return try await next(request, context)
    }
}

/// Counts every app API request against its client (``Throttles/appRequestsPerClient``) before anything else.
struct AppRequestLimitMiddleware: RouterMiddleware {
    typealias Context = SpruceRequestContext

    let store: SpruceStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        try await store.countAppRequest(client: context.clientAddress)
        return try await next(request, context)
    }
}
