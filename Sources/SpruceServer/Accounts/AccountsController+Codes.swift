import Foundation
import HTTPTypes
import Hummingbird
import SpruceCore
import SpruceStore

/// The steps that take a one-time code (finishing a signup, resetting a password) and the account page (change
/// the password, log out everywhere).
extension AccountsController {
    /// What `/login?notice=…` may say: only these fixed sentences, never text from the query.
    static let loginNotices: [String: String] = [
        "reset": "Your password was changed and every session of your account was logged out. Log in with the new one.",
        "ended": "You were logged out everywhere.",
    ]

    /// Hidden fields the code pages carry are bounded like the rest of a form.
    static let ticketLimit = 64

    static func ticketAndAddress(_ form: FormData) -> (ticket: String, address: String) {
        let ticket = String((form.text("ticket") ?? "").prefix(Self.ticketLimit))
        let address = String((form.text("address") ?? "").prefix(AccountDetails.emailLimit))
        return (ticket, address)
    }

    // MARK: - Signup codes

    /// The "we sent a code to …" page: the same bytes for a new address and one that already has an account,
    /// apart from the ticket and the CSRF token.
    func renderCodePage(
        ticket: String,
        address: String,
        error: String? = nil,
        status: HTTPResponse.Status = .ok,
        context: SpruceRequestContext
    ) -> Response {
        var values = pages.pageValues("Enter your code", context: context)
        values["ticket"] = ticket
        values["address"] = address
        values["channel"] = address.contains("@") ? "email" : "phone"
        values["error"] = error
        var response = pages.page("signup-code", values, status: status)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// `POST /signup/verify`: the code; when right, the account is verified, logged in and connected.
    func verifySignup(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let form = context.form
        let (ticket, address) = Self.ticketAndAddress(form)
        do {
            let carried = funnel == nil ? nil : try await store.pendingSignupContinuation(ticket: ticket)
            let (patient, outcome) = try await store.verifySignup(ticket: ticket, code: form.text("code") ?? "")
            if let funnel, let carried {
                funnel.countSignup(
                    code: carried.code, outcome: outcome, viaInvitation: carried.invitationDigest != nil)
            }
            return try await loggedIn(patient, outcome: outcome, context: context)
        } catch let error as VerificationError {
            return renderCodePage(
                ticket: ticket, address: address, error: ErrorMiddleware.sentence(error.description),
                status: .unprocessableContent, context: context)
        }
    }

    /// `POST /signup/resend`: a new code for the same signup (throttled).
    func resendSignupCode(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        try await resendCode(context) { ticket, address, error, status in
            renderCodePage(ticket: ticket, address: address, error: error, status: status, context: context)
        }
    }

    /// A new code for the pending signup or reset whose ticket the form carries, answered with `page` (the form
    /// again, with the refusal in words when the store refused).
    private func resendCode(
        _ context: SpruceRequestContext,
        page: (_ ticket: String, _ address: String, _ error: String?, _ status: HTTPResponse.Status) -> Response
    ) async throws -> Response {
        let (ticket, address) = Self.ticketAndAddress(context.form)
        do {
            let renewed = try await store.resendCode(ticket: ticket)
            return page(renewed.token, renewed.address.description, nil, .ok)
        } catch let error as VerificationError {
            return page(ticket, address, ErrorMiddleware.sentence(error.description), .unprocessableContent)
        }
    }

    // MARK: - Forgot password

    /// `GET /password/forgot`: asks for the email or phone of the account.
    func forgotPage(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        renderForgot(error: nil, login: "", status: .ok, context: context)
    }

    func renderForgot(error: String?, login: String, status: HTTPResponse.Status, context: SpruceRequestContext)
        -> Response
    {
        var values = pages.pageValues("Forgot your password?", context: context)
        values["error"] = error
        values["login"] = login
        return pages.page("password-forgot", values, status: status)
    }

    func renderReset(
        ticket: String,
        address: String,
        error: String? = nil,
        status: HTTPResponse.Status = .ok,
        context: SpruceRequestContext
    ) -> Response {
        var values = pages.pageValues("Choose a new password", context: context)
        values["ticket"] = ticket
        values["address"] = address
        values["error"] = error
        var response = pages.page("password-reset", values, status: status)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// `POST /password/forgot`: sends a code when an account has the address; the same page either way.
    func forgot(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let login = context.form.text("login") ?? ""
        do {
            let ticket = try await store.requestPasswordReset(login, client: context.clientAddress)
            return renderReset(ticket: ticket.token, address: ticket.address.description, context: context)
        } catch let error as AccountError {
            return renderForgot(
                error: ErrorMiddleware.sentence(error.description), login: String(login.prefix(254)),
                status: .unprocessableContent, context: context)
        }
    }

    /// `POST /password/resend`: a new reset code (throttled).
    func resendResetCode(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        try await resendCode(context) { ticket, address, error, status in
            renderReset(ticket: ticket, address: address, error: error, status: status, context: context)
        }
    }

    /// `POST /password/reset`: the code and the new password; every session of the account ends, this browser's
    /// too, and the visitor logs in again with the new password.
    func reset(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let form = context.form
        let (ticket, address) = Self.ticketAndAddress(form)
        do {
            try await store.resetPassword(
                ticket: ticket, code: form.text("code") ?? "", newPassword: form["password"] ?? "")
        } catch let error as VerificationError {
            return renderReset(
                ticket: ticket, address: address, error: ErrorMiddleware.sentence(error.description),
                status: .unprocessableContent, context: context)
        } catch let error as AccountError {
            return renderReset(
                ticket: ticket, address: address, error: ErrorMiddleware.sentence(error.description),
                status: .unprocessableContent, context: context)
        }
        if let token = context.sessionToken { try await store.deleteSession(token) }
        var response = pages.redirect("/login?notice=reset")
        response.setCookie(cookies.clearedSession())
        return response
    }

    // MARK: - Account

    /// `GET /account`: change the password, log out everywhere.
    func accountPage(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let visitor = try await visitors.visitor(context)
        guard visitor != .anonymous else { throw ServerError(.loginRequired) }
        return renderAccount(visitor: visitor, notice: nil, error: nil, status: .ok, context: context)
    }

    func renderAccount(
        visitor: Visitor, notice: String?, error: String?, status: HTTPResponse.Status, context: SpruceRequestContext
    ) -> Response {
        var values = pages.pageValues("Your account", context: context, visitor: visitor)
        values["notice"] = notice
        values["error"] = error
        return pages.page("account", values, status: status)
    }

    /// `POST /account/password`: checks the current password, sets the new one, ends every other session.
    func changePassword(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let visitor = try await visitors.visitor(context)
        guard visitor != .anonymous else { throw ServerError(.loginRequired) }
        let form = context.form
        do {
            try await store.changePassword(
                of: visitor.identity, current: form["current"] ?? "", new: form["password"] ?? "",
                keeping: context.sessionToken)
        } catch let error as AccountError {
            let message = error == .wrongCredentials ? "The current password is wrong." : error.description
            return renderAccount(
                visitor: visitor, notice: nil, error: ErrorMiddleware.sentence(message),
                status: error == .wrongCredentials ? .unauthorized : .unprocessableContent, context: context)
        }
        return renderAccount(
            visitor: visitor, notice: "Your password was changed; your other sessions were logged out.", error: nil,
            status: .ok, context: context)
    }

    /// `POST /account/logout-everywhere`: ends every session of the account, this one included.
    func logoutEverywhere(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        guard let session = context.session else { throw ServerError(.loginRequired) }
        try await store.endSessions(of: session.identity)
        var response = pages.redirect("/login?notice=ended")
        response.setCookie(cookies.clearedSession())
        return response
    }
}
