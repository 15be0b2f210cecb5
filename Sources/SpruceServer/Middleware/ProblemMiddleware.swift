import HTTPTypes
import Hummingbird

/// Answers every error of the API's routes as an RFC 9457 problem document through ``MappedError``, naming the
/// route template as the instance. Attached to the API's group.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = SpruceRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            let mapped = MappedError.from(error)
            mapped.log(error, to: context.logger)
            var headers: HTTPFields = [:]
            if let retryAfter = mapped.retryAfter { headers[.retryAfter] = String(retryAfter) }
            return Problem(mapped, instance: context.endpointPath).response(headers: headers)
        }
    }
}
