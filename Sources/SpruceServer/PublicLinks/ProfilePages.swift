import HTTPTypes
import Hummingbird
import NIOCore
import SpruceCore
import SpruceStore

/// A practice's profile page: rendered for a visitor, or for logged-out visitors copied from the organization's
/// skeleton with the link's code and the visitor's CSRF token filled in.
struct ProfilePages: Sendable {
    /// The fixed headers of the logged-out page, whichever way it is answered (router or ``HotReads``).
    static let headers: HTTPFields = [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"]

    let pages: PageRenderer
    /// The site's public origin: the page shows the link's URL on it.
    let publicURL: String
    /// Each organization's page for logged-out visitors, with slots for the code and the CSRF token; nil when the
    /// page cannot be split (a profile stored before control characters were refused).
    let skeletons: ProfileMemo<Skeleton?>

    func response(
        _ profile: ClinicProfile,
        code: String,
        connectAction: String,
        invitation: Invitation?,
        attribution: String?,
        context: SpruceRequestContext,
        visitor: Visitor,
        appOffer: AppOffer? = nil
    ) -> Response {
        var values = values(
            profile, code: code, connectAction: connectAction, invitation: invitation, attribution: attribution,
            csrf: pages.csrfToken(context), visitor: visitor)
        if let appOffer { values["app"] = appOffer.values }
        return pages.page("profile", values)
    }

    /// The logged-out page as an HTML response, from finished bytes.
    func response(_ html: ByteBuffer) -> Response {
        Response(status: .ok, headers: Self.headers, body: .init(byteBuffer: html))
    }

    func values(
        _ profile: ClinicProfile,
        code: String,
        connectAction: String,
        invitation: Invitation?,
        attribution: String?,
        csrf: String,
        visitor: Visitor
    ) -> [String: Any] {
        var values = pages.pageValues(profile.displayName, csrf: csrf, visitor: visitor)
        var profileValues: [String: Any] = [
            "displayName": profile.displayName, "monogram": profile.monogram,
            "acceptsNewPatients": profile.acceptsNewPatients,
        ]
        profileValues["specialty"] = profile.specialty
        profileValues["summary"] = profile.summary
        profileValues["address"] = profile.address
        profileValues["phone"] = profile.phone
        // Only http(s) websites become links (the profile validator requires it; checked again here).
        if let website = profile.website,
            website.lowercased().hasPrefix("https://") || website.lowercased().hasPrefix("http://")
        {
            profileValues["website"] = website
        }
        profileValues["hours"] = profile.hours
        values["profile"] = profileValues
        values["code"] = code
        values["linkURL"] = publicURL + "/" + code
        values["connectAction"] = connectAction
        if let attribution, !attribution.isEmpty, attribution.utf8.count <= 512 { values["attribution"] = attribution }
        if let invitation { values["invitation"] = ["name": invitation.recipient.name as Any] as [String: Any] }
        return values
    }

    /// The profile page a logged-out visitor sees, from the organization's skeleton; nil when it has none.
    func anonymousPage(
        _ code: LinkCode,
        organizationID: OrganizationID,
        profile: ClinicProfile,
        csrf: String
    ) -> ByteBuffer? {
        skeletons.value(for: organizationID, profile, make: skeleton)?.filled([code.rawValue, csrf])
    }

    /// The page a logged-out visitor sees for any of the organization's links, with slots 0 (the code) and 1 (the
    /// visitor's CSRF token).
    @Sendable func skeleton(_ profile: ClinicProfile) -> Skeleton? {
        let code = Skeleton.marker("code")
        let marked = values(
            profile, code: code, connectAction: "/\(code)/connect", invitation: nil, attribution: nil,
            csrf: Skeleton.marker("csrf"), visitor: .anonymous)
        return Skeleton(pages.render("profile", marked), slots: ["code", "csrf"])
    }
}
