import Foundation
import HTTPTypes
import Hummingbird
import SpruceCore
import SpruceStore

/// `/practices/new`: a clinic signs itself up (the organization, its primary link and its first admin) and lands
/// in its workspace logged in. A signup continuation from another clinic's link rides along, so a clinic member
/// who opened that link logged out still ends up connecting as a clinic.
struct PracticeSignupController: Sendable {
    static let form = Endpoint(.get, "/practices/new")
    static let create = Endpoint(.post, "/practices/new")
    static let fields = ["practiceName", "specialty", "name", "email"]

    let store: SpruceStore
    let pages: PageRenderer
    let connectResponses: ConnectResponses
    let cookies: SessionCookies

    /// - Parameter browser: the group of browser pages (session and CSRF middleware).
    func addRoutes(to browser: RouterGroup<SpruceRequestContext>) {
        browser.on(Self.form, use: formPage)
        browser.on(Self.create, use: createPractice)
    }

    func formPage(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let continuation = FormData(query: request.uri.query).text("continuation")
        return render(continuation: continuation, fields: [:], errors: [:], status: .ok, context: context)
    }

    func render(
        continuation: String?, fields: [String: String], errors: [String: String], status: HTTPResponse.Status,
        context: SpruceRequestContext
    ) -> Response {
        var values = pages.pageValues("Create your practice", context: context)
        if let continuation, store.verifiedContinuation(continuation) != nil { values["continuation"] = continuation }
        values["form"] = fields
        values["errors"] = errors
        values["hasErrors"] = !errors.isEmpty
        return pages.page("practice-new", values, status: status)
    }

    /// `POST /practices/new`: creates the practice and its first admin, logs the admin in, and goes to the
    /// workspace (or finishes the connect a continuation started).
    func createPractice(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let form = context.form
        var kept: [String: String] = [:]
        for field in Self.fields { kept[field] = form[field] ?? "" }
        let continuation = form.text("continuation")
        let profile = ClinicProfile(
            displayName: form["practiceName"] ?? "", kind: .practice, specialty: form.text("specialty"))
        let details = AccountDetails(
            name: form["name"] ?? "", email: form["email"] ?? "", password: form["password"] ?? "")
        let admin: Member
        do {
            (_, _, admin) = try await store.createPractice(profile, admin: details, client: context.clientAddress)
        } catch let error where !(error is TooManyAttempts) && MappedError.from(error).status.code < 500 {
            let mapped = MappedError.from(error)
            var field = mapped.field ?? "practiceName"
            if error is ProfileError { field = field == "name" ? "practiceName" : field }
            return render(
                continuation: continuation, fields: kept, errors: [field: ErrorMiddleware.sentence(mapped.detail)],
                status: mapped.status == .conflict ? .conflict : .unprocessableContent, context: context)
        }
        let visitor = Visitor.member(admin)
        let (token, _) = try await store.createSession(
            for: visitor.identity, replacing: context.sessionToken,
            lifetime: cookies.timeouts.lifetime(for: visitor.identity))
        var response = pages.redirect("/workspace/links")
        if let continuation, let outcome = try? await store.resume(continuation, as: visitor) {
            response = connectResponses.response(outcome, context: context, visitor: visitor)
        }
        response.setCookie(cookies.sessionCookie(token, for: visitor.identity))
        return response
    }
}
