/// One country's telephone numbering rules, as far as E.164 normalization needs them.
///
/// No phone-number library is on the allowed package list, so this is a small hand-written table of a few dozen
/// countries (ITU-T E.164 country calling codes, national trunk prefixes and the lengths of national significant
/// numbers). It checks shape, not allocation: a well-formed number in an unassigned range passes.
public struct CallingCode: Sendable, Hashable {
    /// ISO 3166-1 alpha-2 region, e.g. `US`.
    public let region: String
    /// The country calling code, without `+`.
    public let code: String
    /// The national trunk prefix dialled before a national number, stripped when normalizing (e.g. `0` in the UK).
    public let trunkPrefix: String?
    /// Allowed lengths of the national significant number.
    public let lengths: ClosedRange<Int>

    /// The table. Regions that share a code (US/CA on 1, RU/KZ on 7) appear once per region.
    public static let table: [CallingCode] = [
        CallingCode(region: "US", code: "1", trunkPrefix: "1", lengths: 10...10),
        CallingCode(region: "CA", code: "1", trunkPrefix: "1", lengths: 10...10),
        CallingCode(region: "GB", code: "44", trunkPrefix: "0", lengths: 9...10),
        CallingCode(region: "IE", code: "353", trunkPrefix: "0", lengths: 7...9),
        CallingCode(region: "FR", code: "33", trunkPrefix: "0", lengths: 9...9),
        CallingCode(region: "DE", code: "49", trunkPrefix: "0", lengths: 6...13),
        CallingCode(region: "AT", code: "43", trunkPrefix: "0", lengths: 4...13),
        CallingCode(region: "CH", code: "41", trunkPrefix: "0", lengths: 9...9),
        CallingCode(region: "NL", code: "31", trunkPrefix: "0", lengths: 9...9),
        CallingCode(region: "BE", code: "32", trunkPrefix: "0", lengths: 8...9),
        CallingCode(region: "ES", code: "34", trunkPrefix: nil, lengths: 9...9),
        CallingCode(region: "PT", code: "351", trunkPrefix: nil, lengths: 9...9),
        CallingCode(region: "IT", code: "39", trunkPrefix: nil, lengths: 6...11),
        CallingCode(region: "SE", code: "46", trunkPrefix: "0", lengths: 7...9),
        CallingCode(region: "NO", code: "47", trunkPrefix: nil, lengths: 8...8),
        CallingCode(region: "DK", code: "45", trunkPrefix: nil, lengths: 8...8),
        CallingCode(region: "FI", code: "358", trunkPrefix: "0", lengths: 5...12),
        CallingCode(region: "PL", code: "48", trunkPrefix: nil, lengths: 9...9),
        CallingCode(region: "UA", code: "380", trunkPrefix: "0", lengths: 9...9),
        CallingCode(region: "RU", code: "7", trunkPrefix: "8", lengths: 10...10),
        CallingCode(region: "TR", code: "90", trunkPrefix: "0", lengths: 10...10),
        CallingCode(region: "IL", code: "972", trunkPrefix: "0", lengths: 8...9),
        CallingCode(region: "AE", code: "971", trunkPrefix: "0", lengths: 8...9),
        CallingCode(region: "SA", code: "966", trunkPrefix: "0", lengths: 9...9),
        CallingCode(region: "EG", code: "20", trunkPrefix: "0", lengths: 9...10),
        CallingCode(region: "ZA", code: "27", trunkPrefix: "0", lengths: 9...9),
        CallingCode(region: "NG", code: "234", trunkPrefix: "0", lengths: 8...10),
        CallingCode(region: "KE", code: "254", trunkPrefix: "0", lengths: 9...9),
        CallingCode(region: "IN", code: "91", trunkPrefix: "0", lengths: 10...10),
        CallingCode(region: "PK", code: "92", trunkPrefix: "0", lengths: 10...10),
        CallingCode(region: "CN", code: "86", trunkPrefix: "0", lengths: 8...11),
        CallingCode(region: "HK", code: "852", trunkPrefix: nil, lengths: 8...8),
        CallingCode(region: "JP", code: "81", trunkPrefix: "0", lengths: 9...10),
        CallingCode(region: "KR", code: "82", trunkPrefix: "0", lengths: 8...10),
        CallingCode(region: "SG", code: "65", trunkPrefix: nil, lengths: 8...8),
        CallingCode(region: "PH", code: "63", trunkPrefix: "0", lengths: 10...10),
        CallingCode(region: "ID", code: "62", trunkPrefix: "0", lengths: 9...12),
        CallingCode(region: "TH", code: "66", trunkPrefix: "0", lengths: 8...9),
        CallingCode(region: "VN", code: "84", trunkPrefix: "0", lengths: 9...10),
        CallingCode(region: "AU", code: "61", trunkPrefix: "0", lengths: 9...9),
        CallingCode(region: "NZ", code: "64", trunkPrefix: "0", lengths: 8...10),
        CallingCode(region: "MX", code: "52", trunkPrefix: nil, lengths: 10...10),
        CallingCode(region: "BR", code: "55", trunkPrefix: "0", lengths: 10...11),
        CallingCode(region: "AR", code: "54", trunkPrefix: "0", lengths: 10...10),
        CallingCode(region: "CO", code: "57", trunkPrefix: nil, lengths: 10...10),
        CallingCode(region: "CL", code: "56", trunkPrefix: nil, lengths: 9...9),
        CallingCode(region: "PE", code: "51", trunkPrefix: nil, lengths: 8...9),
    ]

    /// The rules for `region` (case-insensitive), or `nil` when the table does not know it.
    public static func forRegion(_ region: String) -> CallingCode? {
        let upper = region.uppercased()
        return table.first { $0.region == upper }
    }

    /// The rules for the longest calling code that prefixes `digits` (codes are prefix-free by design of E.164).
    static func matching(internationalDigits digits: Substring) -> CallingCode? {
        for length in 1...3 where digits.count > length {
            let prefix = digits.prefix(length)
            if let found = table.first(where: { $0.code == prefix }) { return found }
        }
        return nil
    }
}
