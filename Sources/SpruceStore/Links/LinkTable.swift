import SpruceCore

/// The link directory's links in little memory: 16 bytes of key and value per numeric link.
///
/// A numeric code (6–10 digits, never a leading zero) is its integer value, so it needs no string; vanity codes,
/// which are few, keep their text. Each value packs an index into the shared organization table, an index into
/// the shared table of QR color pairs (nearly every link has the standard pair) and the active flag, so nothing
/// per organization or per color pair is stored per link.
struct LinkTable {
    struct Entry: Equatable {
        let organizationID: OrganizationID
        let isActive: Bool
        let qrColors: QRColors
    }

    private var numeric: [UInt64: UInt64] = [:]
    private var vanity: [String: UInt64] = [:]
    private var organizations: [OrganizationID] = []
    private var organizationIndex: [OrganizationID: UInt32] = [:]
    private var colors: [QRColors] = [.standard]
    private var colorIndex: [QRColors: UInt32] = [.standard: 0]

    init(reservingCapacity capacity: Int = 0) {
        numeric.reserveCapacity(capacity)
    }

    var count: Int { numeric.count + vanity.count }

    subscript(code: LinkCode) -> Entry? {
        let packed: UInt64?
        if let number = code.number { packed = numeric[number] } else { packed = vanity[code.rawValue] }
        return packed.map(unpack)
    }

    /// Adds or replaces the record of `record.code`.
    mutating func insert(_ record: PublicLinkRecord) {
        let packed = pack(record)
        if let number = record.code.number {
            numeric[number] = packed
        } else {
            vanity[record.code.rawValue] = packed
        }
    }

    /// Adds or replaces the numeric links of a directory load (see ``PackedLink``), all with the standard colors.
    mutating func insert(packed values: [Int64]) {
        var lastOrganization: Int64 = -1
        var organization: UInt32 = 0
        for value in values {
            let id = PackedLink.organization(value)
            if id != lastOrganization {
                organization = index(of: OrganizationID(rawValue: id))
                lastOrganization = id
            }
            numeric[PackedLink.number(value)] = UInt64(organization) | (PackedLink.isActive(value) ? 1 << 63 : 0)
        }
    }

    /// Removes `code`; returns whether it was held.
    @discardableResult
    mutating func remove(_ code: LinkCode) -> Bool {
        if let number = code.number { return numeric.removeValue(forKey: number) != nil }
        return vanity.removeValue(forKey: code.rawValue) != nil
    }

    /// Removes one link, whichever the table finds first, to make room.
    mutating func removeAny() {
        if let first = vanity.first {
            vanity.removeValue(forKey: first.key)
        } else if let first = numeric.first {
            numeric.removeValue(forKey: first.key)
        }
    }

    private mutating func pack(_ record: PublicLinkRecord) -> UInt64 {
        let organization = index(of: record.organizationID)
        let color: UInt32
        if let known = colorIndex[record.qrColors] {
            color = known
        } else {
            color = UInt32(colors.count)
            colors.append(record.qrColors)
            colorIndex[record.qrColors] = color
        }
        return UInt64(organization) | UInt64(color & 0x7FFF_FFFF) << 32 | (record.isActive ? 1 << 63 : 0)
    }

    /// The index of `organizationID` in the shared table, added when new.
    private mutating func index(of organizationID: OrganizationID) -> UInt32 {
        if let known = organizationIndex[organizationID] { return known }
        let index = UInt32(organizations.count)
        organizations.append(organizationID)
        organizationIndex[organizationID] = index
        return index
    }

    private func unpack(_ packed: UInt64) -> Entry {
        let organization = Int(packed & 0xFFFF_FFFF)
        let color = Int((packed >> 32) & 0x7FFF_FFFF)
        return Entry(
            organizationID: organizations[organization], isActive: packed >> 63 == 1,
            qrColors: color < colors.count ? colors[color] : .standard)
    }
}
