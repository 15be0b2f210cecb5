import SpruceCore

/// A numeric link with the standard QR colors as one integer, the form in which the link directory loads nearly
/// every link: `organization id · 2^35 + code · 2 + (1 when active)`. A code has at most 10 digits (< 2^34), so any
/// organization id below 2^28 fits in 63 bits; links of larger ids load as records.
///
/// A load reads a range of links as two texts the database joined: their codes, and their owners
/// (`organization id · 2 + (1 when active)`), comma-separated in the same order; ``parse(codes:owners:)`` pairs them.
enum PackedLink {
    /// Organization ids below this are packed.
    static let organizationLimit: Int64 = 1 << 28
    /// Ids of links read per query.
    static let rangeSize: Int64 = 65_536
    /// The SQL of a link's owner, as ``parse(codes:owners:)`` reads it.
    static let owner = "organization_id * 2 + CASE WHEN status = 'active' THEN 1 ELSE 0 END"

    static func number(_ packed: Int64) -> UInt64 { UInt64(packed >> 1) & (1 << 34 - 1) }
    static func organization(_ packed: Int64) -> Int64 { packed >> 35 }
    static func isActive(_ packed: Int64) -> Bool { packed & 1 == 1 }

    /// The links of a range from the joined texts: numeric links packed, the others (vanity codes, organization ids
    /// too large to pack) as records with the standard colors.
    /// - Throws: `StoreError.corruptRow` when the lists differ in length, an owner is not an integer, or a code is
    ///   not a valid code.
    static func parse(
        codes: String,
        owners: String
    ) throws(StoreError) -> (packed: [Int64], records: [PublicLinkRecord]) {
        let ownerValues = try integers(owners)
        var packed: [Int64] = []
        packed.reserveCapacity(ownerValues.count)
        var records: [PublicLinkRecord] = []
        var codes = codes
        let mismatch = StoreError.corruptRow(table: "links", reason: "joined codes and owners differ in count")
        let failure = codes.withUTF8 { bytes -> StoreError? in
            guard !bytes.isEmpty else { return ownerValues.isEmpty ? nil : mismatch }
            var index = 0
            var start = 0
            for end in 0...bytes.count where end == bytes.count || bytes[end] == UInt8(ascii: ",") {
                guard index < ownerValues.count else { return mismatch }
                let owner = ownerValues[index]
                let organization = owner >> 1
                if let number = numericCode(bytes[start..<end]), organization < organizationLimit {
                    packed.append(organization << 35 | Int64(number) << 1 | owner & 1)
                } else {
                    let text = String(decoding: bytes[start..<end], as: UTF8.self)
                    guard let code = try? LinkCode(text) else {
                        return .corruptRow(table: "links", reason: "invalid code '\(text)'")
                    }
                    records.append(
                        PublicLinkRecord(
                            code: code, organizationID: OrganizationID(rawValue: organization),
                            isActive: owner & 1 == 1, qrColors: .standard))
                }
                index += 1
                start = end + 1
            }
            return index == ownerValues.count ? nil : mismatch
        }
        if let failure { throw failure }
        return (packed, records)
    }

    /// The value of a numeric code's digits (6 to 10, the first not `0`), or `nil` for any other text.
    private static func numericCode(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> UInt64? {
        guard LinkCode.numericLengths.contains(bytes.count), let first = bytes.first, first != UInt8(ascii: "0")
        else { return nil }
        var value: UInt64 = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + UInt64(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// The non-negative integers of a comma-separated text.
    private static func integers(_ text: String) throws(StoreError) -> [Int64] {
        var text = text
        let values = text.withUTF8 { bytes -> [Int64]? in
            var values: [Int64] = []
            values.reserveCapacity(bytes.count / 4 + 1)
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
        guard let values else { throw .corruptRow(table: "links", reason: "joined owners are not integers") }
        return values
    }
}
