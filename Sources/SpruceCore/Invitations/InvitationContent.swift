import Foundation

/// What every invitation message says: who invites, whom, the personal link and when it expires.
public struct InvitationContent: Sendable, Equatable {
    public let practiceName: String
    public let recipientName: String?
    /// The personal link, `https://spruce.care/i/<token>`.
    public let link: String
    public let expiresAt: Date
    /// The connect code for the app, `K7QX-M4PT` (``ConnectCode/derived(from:)``): what a patient types when the
    /// app, installed from a store search, asks for it.
    public let connectCode: String?
    /// The practice's own words to this recipient, quoted in the email and the text (``PersonalMessage``).
    public let personalMessage: PersonalMessage?

    public init(
        practiceName: String, recipientName: String?, link: String, expiresAt: Date, connectCode: String? = nil,
        personalMessage: PersonalMessage? = nil
    ) {
        self.practiceName = practiceName
        self.recipientName = recipientName
        self.link = link
        self.expiresAt = expiresAt
        self.connectCode = connectCode
        self.personalMessage = personalMessage
    }

    /// The personal link for `token` under `publicURL` (e.g. `https://spruce.care`): `<publicURL>/i/<token>`.
    public static func link(for token: InvitationToken, publicURL: String) -> String {
        var base = publicURL
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/i/" + token.rawValue
    }

    /// The template values.
    func values() -> [String: String] {
        var values = ["practice": practiceName, "link": link, "expires": Self.longDate(expiresAt)]
        if let recipientName { values["name"] = recipientName }
        if let connectCode { values["connectCode"] = connectCode }
        if let personalMessage { values["message"] = personalMessage.text }
        return values
    }

    static let monthNames = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ]
    static let dayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let utcCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        return calendar
    }()

    /// `April 3, 2026` (UTC).
    static func longDate(_ date: Date) -> String {
        let parts = utcCalendar.dateComponents([.year, .month, .day], from: date)
        return "\(monthNames[(parts.month ?? 1) - 1]) \(parts.day ?? 1), \(parts.year ?? 1970)"
    }

    /// RFC 5322 `date-time` in UTC: `Fri, 03 Apr 2026 09:05:00 +0000`.
    static func rfc5322Date(_ date: Date) -> String {
        let parts = utcCalendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        func two(_ value: Int?) -> String {
            let v = value ?? 0
            return v < 10 ? "0\(v)" : "\(v)"
        }
        let month = String(monthNames[(parts.month ?? 1) - 1].prefix(3))
        return "\(dayNames[(parts.weekday ?? 1) - 1]), \(two(parts.day)) \(month) \(parts.year ?? 1970) "
            + "\(two(parts.hour)):\(two(parts.minute)):\(two(parts.second)) +0000"
    }
}
