import Foundation
import Testing

@testable import SpruceCore

@Suite("Defaults and bounds the front doors share")
struct PagingAndLifetimeTests {
    @Test("an invitation lives 30 days unless asked, from 1 to 365", arguments: [
        (nil, 30), (1, 1), (365, 365), (0, nil), (366, nil), (-5, nil),
    ] as [(Int?, Int?)])
    func invitationLifetime(asked: Int?, expected: Int?) {
        #expect(InvitationLifetime(days: asked)?.dayCount == expected)
    }

    @Test("the standard lifetime is the invitation's default lifetime, and the rule names the bounds")
    func standardLifetime() {
        #expect(InvitationLifetime.standard.seconds == Invitation.defaultLifetime)
        #expect(InvitationLifetime.rule == "must be from 1 to 365")
    }

    @Test("an inbox page holds 25 unless asked, from 1 to 100", arguments: [
        ("1", 1), ("100", 100), ("25", 25), ("0", nil), ("101", nil), ("ten", nil), ("", nil), ("+5", 5),
    ] as [(String, Int?)])
    func pageSize(text: String, expected: Int?) {
        #expect(InboxPageSize(text)?.count == expected)
        #expect(InboxPageSize.standard.count == 25)
        #expect(InboxPageSize.rule == "must be an integer from 1 to 100")
    }

    @Test("a cursor is `a` and 1 to 18 ASCII digits, as nextCursor writes it", arguments: [
        ("a0", 0), ("a123", 123), ("a" + String(repeating: "9", count: 18), 999_999_999_999_999_999),
        ("a", nil), ("a+5", nil), ("a-1", nil), ("b12", nil), ("a1x", nil),
        ("a" + String(repeating: "1", count: 19), nil),
        ("a\u{0661}", nil),  // ARABIC-INDIC DIGIT ONE
    ] as [(String, Int64?)])
    func cursor(text: String, expected: Int64?) {
        #expect(InboxCursor(text)?.activity == expected)
    }
}
