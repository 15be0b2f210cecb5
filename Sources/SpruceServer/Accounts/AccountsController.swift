import Foundation
import HTTPTypes
import Hummingbird
import SpruceCore
import SpruceStore

/// Signup, login and logout, and the home page: the forms and the session cookie.
struct AccountsController: Sendable {
    static let home = Endpoint(.get, "/")
    static let signupForm = Endpoint(.get, "/signup")
    static let signup = Endpoint(.post, "/signup")
    static let loginForm = Endpoint(.get, "/login")
    static let login = Endpoint(.post, "/login")
    static let logout = Endpoint(.post, "/logout")
    static let verifySignup = Endpoint(.post, "/signup/verify")
    static let resendSignupCode = Endpoint(.post, "/signup/resend")
    static let forgotForm = Endpoint(.get, "/password/forgot")
    static let forgot = Endpoint(.post, "/password/forgot")
    static let reset = Endpoint(.post, "/password/reset")
    static let resendResetCode = Endpoint(.post, "/password/resend")
    static let accountPage = Endpoint(.get, "/account")
    static let changePassword = Endpoint(.post, "/account/password")
    static let logoutEverywhere = Endpoint(.post, "/account/logout-everywhere")

    let store: SpruceStore
    let pages: PageRenderer
    let visitors: Visitors
    let links: LinkLookup
    let connectResponses: ConnectResponses
    let cookies: SessionCookies
    let funnel: FunnelRecorder?

    /// - Parameter browser: the group of browser pages (session and CSRF middleware).
    func addRoutes(to browser: RouterGroup<SpruceRequestContext>) {
        browser.on(Self.home, use: homePage)
        browser.on(Self.signupForm, use: signupPage)
        browser.on(Self.signup, use: signup)
        browser.on(Self.loginForm, use: loginPage)
        browser.on(Self.login, use: login)
        browser.on(Self.logout, use: logout)
        browser.on(Self.verifySignup, use: verifySignup)
        browser.on(Self.resendSignupCode, use: resendSignupCode)
        browser.on(Self.forgotForm, use: forgotPage)
        browser.on(Self.forgot, use: forgot)
        browser.on(Self.reset, use: reset)
        browser.on(Self.resendResetCode, use: resendResetCode)
        browser.on(Self.accountPage, use: accountPage)
        browser.on(Self.changePassword, use: changePassword)
        browser.on(Self.logoutEverywhere, use: logoutEverywhere)
    }

    /// The practice a signup continuation leads to, for display only; `nil` when the continuation does not verify.
    func practiceName(forContinuation text: String?) async -> String? {
        guard let text, let continuation = store.verifiedContinuation(text),
            case .active(_, let profile)? = try? await links.resolve(continuation.code)
        else { return nil }
        return profile.displayName
    }

    static func query(_ pairs: [(String, String?)]) -> String {
        let parts = pairs.compactMap { name, value in
            value.map { name + "=" + ($0.addingPercentEncoding(withAllowedCharacters: .urlQueryValueAllowed) ?? "") }
        }
        return parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
    }

    // MARK: - Signup

    /// `GET /signup`: the patient signup form, carrying the continuation of the link that led here.
    func signupPage(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let query = FormData(query: request.uri.query)
        return await renderSignup(
            continuation: query.text("continuation"), error: nil, fields: [:], status: .ok, context: context)
    }

    func renderSignup(
        continuation: String?,
        error: String?,
        fields: [String: String],
        status: HTTPResponse.Status,
        context: SpruceRequestContext
    ) async -> Response {
        var values = pages.pageValues("Sign up", context: context)
        let practice = await practiceName(forContinuation: continuation)
        if practice != nil { values["continuation"] = continuation }
        values["practiceName"] = practice
        values["error"] = error
        for (name, value) in fields { values[name] = value }
        values["loginHref"] = "/login" + Self.query([("continuation", practice == nil ? nil : continuation)])
        values["practiceHref"] =
            "/practices/new" + Self.query([("continuation", practice == nil ? nil : continuation)])
        return pages.page("signup", values, status: status)
    }

    /// `POST /signup`: checks the fields and sends a code to the address given (``SpruceStore/startSignup``). The
    /// page that follows is the same whether or not the address already has an account. Through an invitation
    /// sent to this very address, the account is verified at once and the connect finishes.
    func signup(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let form = context.form
        let details = AccountDetails(
            name: form["name"] ?? "", email: form.text("email"), phone: form.text("phone"),
            password: form["password"] ?? "")
        let continuation = form.text("continuation")
        let carried = continuation.flatMap { store.verifiedContinuation($0) }
        let start: SignupStart
        do {
            start = try await store.startSignup(details, continuation: continuation, client: context.clientAddress)
        } catch let error where !(error is TooManyAttempts) && MappedError.from(error).status.code < 500 {
            let mapped = MappedError.from(error)
            let fields = ["name": form["name"] ?? "", "email": form["email"] ?? "", "phone": form["phone"] ?? ""]
            let keep = (error is SignedValueError || error is InvitationUnavailable) ? nil : continuation
            return await renderSignup(
                continuation: keep, error: ErrorMiddleware.sentence(mapped.detail), fields: fields,
                status: .unprocessableContent, context: context)
        }
        switch start {
        case .codeSent(let ticket):
            return renderCodePage(ticket: ticket.token, address: ticket.address.description, context: context)
        case .verified(let patient, let outcome):
            if let funnel, let carried {
                funnel.countSignup(
                    code: carried.code, outcome: outcome, viaInvitation: carried.invitationDigest != nil)
            }
            return try await loggedIn(patient, outcome: outcome, context: context)
        }
    }

    /// Starts the new patient's session and finishes the connect their link started.
    func loggedIn(_ patient: Patient, outcome: ConnectOutcome?, context: SpruceRequestContext) async throws
        -> Response
    {
        let identity = Identity.patient(patient.id)
        let (token, _) = try await store.createSession(
            for: identity, replacing: context.sessionToken, lifetime: cookies.timeouts.lifetime(for: identity))
        var response: Response
        if let outcome {
            response = connectResponses.response(outcome, context: context, visitor: .patient(patient))
        } else {
            response = pages.redirect("/care")
        }
        response.setCookie(cookies.sessionCookie(token, for: identity))
        return response
    }

    // MARK: - Login

    /// `GET /login`: the login form; `next` (a path on this site) and a continuation ride along.
    func loginPage(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let query = FormData(query: request.uri.query)
        var response = await renderLogin(
            continuation: query.text("continuation"), next: SafeRedirect.relativePath(query.text("next")), error: nil,
            login: "", status: .ok, context: context, notice: Self.loginNotices[query.text("notice") ?? ""])
        response.headers[.cacheControl] = "no-store"
        return response
    }

    func renderLogin(
        continuation: String?,
        next: String?,
        error: String?,
        login: String,
        status: HTTPResponse.Status,
        context: SpruceRequestContext,
        headers: HTTPFields = [:],
        notice: String? = nil
    ) async -> Response {
        var values = pages.pageValues("Log in", context: context)
        values["notice"] = notice
        let practice = await practiceName(forContinuation: continuation)
        if practice != nil { values["continuation"] = continuation }
        values["practiceName"] = practice
        values["next"] = next
        values["error"] = error
        values["login"] = login
        values["signupHref"] = "/signup" + Self.query([("continuation", practice == nil ? nil : continuation)])
        return pages.page("login", values, status: status, headers: headers)
    }

    /// `POST /login`: checks the password (failures throttled by the store per account and client, per client, and
    /// per account), starts a new session with a new id, then finishes a pending connect, or follows `next` when it
    /// is a path on this site.
    func login(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let form = context.form
        let login = (form.text("login") ?? "").lowercased()
        let next = SafeRedirect.relativePath(form.text("next"))
        let continuation = form.text("continuation")
        let visitor: Visitor
        do {
            visitor = try await store.logIn(login, password: form["password"] ?? "", client: context.clientAddress)
        } catch let error as AccountError {
            return await renderLogin(
                continuation: continuation, next: next, error: ErrorMiddleware.sentence(error.description),
                login: login,
                status: .unauthorized, context: context)
        }
        let (token, _) = try await store.createSession(
            for: visitor.identity, replacing: context.sessionToken,
            lifetime: cookies.timeouts.lifetime(for: visitor.identity))
        var response: Response
        if let continuation {
            do {
                response = connectResponses.response(
                    try await store.resume(continuation, as: visitor), context: context, visitor: visitor)
            } catch let error as SignedValueError {
                response = pages.messagePage(
                    status: .badRequest, heading: "Logged in", text: ErrorMiddleware.sentence(error.description),
                    link: (Visitors.home(for: visitor), "Continue"), context: context, visitor: visitor)
            }
        } else {
            response = pages.redirect(next ?? Visitors.home(for: visitor))
        }
        response.setCookie(cookies.sessionCookie(token, for: visitor.identity))
        return response
    }

    /// `POST /logout`: deletes the session record and the cookie.
    func logout(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        if let token = context.sessionToken { try await store.deleteSession(token) }
        var response = pages.redirect("/")
        response.setCookie(cookies.clearedSession())
        return response
    }

    /// `GET /`: a short home page.
    func homePage(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let visitor = try await visitors.visitor(context)
        return pages.page("home", pages.pageValues("Spruce", context: context, visitor: visitor))
    }
}

extension CharacterSet {
    /// Unreserved characters only: everything else in a query value is percent-encoded.
    static let urlQueryValueAllowed: CharacterSet = {
        var set = CharacterSet.alphanumerics.intersection(
            CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        set.insert(charactersIn: "-._~")
        return set
    }()
}
