import Foundation
import Testing

@testable import SpruceCore

@Suite("Inbox paging: page sizes and cursors as clients write them")
struct InboxPagingTests {
    @Test(
        "an inbox page holds 25 unless asked, from 1 to 100",
        arguments: [
            ("1", 1), ("100", 100), ("25", 25), ("0", nil), ("101", nil), ("ten", nil), ("", nil), ("+5", 5),
        ] as [(String, Int?)])
    func pageSize(text: String, expected: Int?) {
        #expect(InboxPageSize(text)?.count == expected)
        #expect(InboxPageSize.standard.count == 25)
        #expect(InboxPageSize.rule == "must be an integer from 1 to 100")
    }

    @Test(
        "a cursor is `a` and 1 to 18 ASCII digits, as nextCursor writes it",
        arguments: [
            ("a0", 0), ("a123", 123), ("a" + String(repeating: "9", count: 18), 999_999_999_999_999_999),
            ("a", nil), ("a+5", nil), ("a-1", nil), ("b12", nil), ("a1x", nil),
            ("a" + String(repeating: "1", count: 19), nil),
            ("a\u{0661}", nil),  // ARABIC-INDIC DIGIT ONE
        ] as [(String, Int64?)])
    func cursor(text: String, expected: Int64?) {
        #expect(InboxCursor(text)?.activity == expected)
    }
}
