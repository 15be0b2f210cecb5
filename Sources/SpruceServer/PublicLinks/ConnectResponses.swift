import Hummingbird
import SpruceCore
import SpruceStore

/// What the browser is shown for a connect outcome, wherever the connect started (a link, signup, login, the
/// clinic prompt, Add Clinic); each outcome counted in the connect metrics.
struct ConnectResponses: Sendable {
    let pages: PageRenderer
    let metrics: ServerMetrics

    func response(_ outcome: ConnectOutcome, context: SpruceRequestContext, visitor: Visitor) -> Response {
        metrics.connected(outcome)
        switch outcome {
        case .signupRequired(let continuation, _):
            return pages.redirect("/signup?continuation=" + continuation)
        case .connected(let id, _), .clinicsConnected(let id, _):
            return pages.redirect("/conversations/\(id.rawValue)")
        case .confirmClinicConnection(_, let token):
            return pages.redirect("/inbox?prompt=" + token)
        case .declined:
            return pages.redirect("/inbox")
        case .ownPractice:
            return pages.messagePage(
                status: .ok, heading: "This is your own practice link",
                text: "Patients who open it can connect with your practice. Nothing was created.",
                link: ("/inbox", "Back to your inbox"), context: context, visitor: visitor)
        case .unavailable(let resolution):
            return pages.unavailablePage(resolution, context: context)
        }
    }
}
