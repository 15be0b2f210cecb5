import Foundation
import HTTPTypes
import Hummingbird
import SpruceStore

/// Finds the organization of the request's API key (`Authorization: Bearer spk_…`) for the API routes that need
/// one, and refuses the request when there is none.
struct APIKeyMiddleware: RouterMiddleware {
    typealias Context = SpruceRequestContext

    let store: SpruceStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let token = request.bearerToken, let key = try await store.apiKey(secret: token) else {
            throw ServerError(.apiKeyRequired)
        }
        var context = context
        context.apiOrganization = key.organizationID
        context.apiScope = key.scope
        return try await next(request, context)
    }
}

extension Request {
    /// The token of an `Authorization: Bearer …` header (the scheme's case ignored), or nil without one.
    var bearerToken: String? {
        guard let header = headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1]).trimmingCharacters(in: .whitespaces)
    }
}
