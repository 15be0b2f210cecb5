/// A numeric link with the standard QR colors as one integer, the form in which the link directory loads nearly
/// every link: `organization id · 2^35 + code · 2 + (1 when active)`. A code has at most 10 digits (< 2^34), so any
/// organization id below 2^28 fits in 63 bits; links of larger ids load as records.
enum PackedLink {
    /// Organization ids below this are packed.
    static let organizationLimit: Int64 = 1 << 28
    /// Ids of links read per query.
    static let rangeSize: Int64 = 65_536

    /// The SQL that packs a row of `links` (of an organization below the limit, with a numeric code).
    static let expression =
        "organization_id * \(Int64(1) << 35) + CAST(code AS BIGINT) * 2 + CASE WHEN status = 'active' THEN 1 ELSE 0 END"

    static func number(_ packed: Int64) -> UInt64 { UInt64(packed >> 1) & (1 << 34 - 1) }
    static func organization(_ packed: Int64) -> Int64 { packed >> 35 }
    static func isActive(_ packed: Int64) -> Bool { packed & 1 == 1 }

    /// The integers of a comma-separated text, as the database joined them.
    /// - Throws: `StoreError.corruptRow` for anything but digits and single commas.
    static func parse(_ text: String) throws(StoreError) -> [Int64] {
        var text = text
        let values = text.withUTF8 { bytes -> [Int64]? in
            var values: [Int64] = []
            values.reserveCapacity(bytes.count / 12 + 1)
            var value: Int64 = 0
            var digits = 0
            for byte in bytes {
                if byte == UInt8(ascii: ",") {
                    guard digits > 0 else { return nil }
                    values.append(value)
                    value = 0
                    digits = 0
                } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                    let (tens, overflow) = value.multipliedReportingOverflow(by: 10)
                    let (sum, carry) = tens.addingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
                    guard !overflow, !carry else { return nil }
                    value = sum
                    digits += 1
                } else {
                    return nil
                }
            }
            if digits > 0 {
                values.append(value)
            } else if !bytes.isEmpty {
                return nil
            }
            return values
        }
        guard let values else { throw .corruptRow(table: "links", reason: "packed link list is not integers") }
        return values
    }
}
