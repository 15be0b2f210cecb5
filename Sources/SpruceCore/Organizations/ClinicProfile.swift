/// Whether an organization is a practice (patients connect to it) or a clinic (connects with other clinics too).
public enum OrganizationKind: String, Codable, Sendable, CaseIterable {
    case practice
    case clinic
}

/// The public face of an organization, the only thing a link resolves to.
///
/// It holds public fields and nothing else: never members, never patients, never internal ids.
/// A test pins the exact field list so that nothing private can be added by accident.
public struct ClinicProfile: Codable, Equatable, Sendable {
    public var displayName: String
    public var kind: OrganizationKind
    public var specialty: String?
    public var summary: String?
    public var address: String?
    public var phone: String?
    public var website: String?
    public var hours: String?
    public var acceptsNewPatients: Bool
    /// One or two capital letters for the avatar, derived from ``displayName``.
    public var monogram: String

    public init(
        displayName: String,
        kind: OrganizationKind = .practice,
        specialty: String? = nil,
        summary: String? = nil,
        address: String? = nil,
        phone: String? = nil,
        website: String? = nil,
        hours: String? = nil,
        acceptsNewPatients: Bool = true
    ) {
        self.displayName = displayName
        self.kind = kind
        self.specialty = specialty
        self.summary = summary
        self.address = address
        self.phone = phone
        self.website = website
        self.hours = hours
        self.acceptsNewPatients = acceptsNewPatients
        self.monogram = Self.monogram(for: displayName)
    }

    private enum CodingKeys: String, CodingKey {
        case displayName, kind, specialty, summary, address, phone, website, hours, acceptsNewPatients, monogram
    }

    /// Decodes the public fields; the monogram is always derived from the name, never taken from input.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            displayName: try container.decode(String.self, forKey: .displayName),
            kind: try container.decodeIfPresent(OrganizationKind.self, forKey: .kind) ?? .practice,
            specialty: try container.decodeIfPresent(String.self, forKey: .specialty),
            summary: try container.decodeIfPresent(String.self, forKey: .summary),
            address: try container.decodeIfPresent(String.self, forKey: .address),
            phone: try container.decodeIfPresent(String.self, forKey: .phone),
            website: try container.decodeIfPresent(String.self, forKey: .website),
            hours: try container.decodeIfPresent(String.self, forKey: .hours),
            acceptsNewPatients: try container.decodeIfPresent(Bool.self, forKey: .acceptsNewPatients) ?? true
        )
    }

    /// Initials of the first two words that start with a letter or digit: "Oak Street Pediatrics" → "OS".
    public static func monogram(for name: String) -> String {
        let skipped: Set<String> = ["the", "of", "and", "&"]
        let words = name.split(whereSeparator: { $0.isWhitespace || $0 == "-" })
            .filter { !skipped.contains($0.lowercased()) }
        let initials = words.compactMap { $0.first(where: { $0.isLetter || $0.isNumber }) }.prefix(2)
        // One character per initial: some letters uppercase to two ("ß" → "SS").
        let monogram = String(initials.compactMap { String($0).uppercased().first })
        return monogram.isEmpty ? "?" : monogram
    }
}

/// Limits on the profile fields, checked when an organization is created or edited.
public enum ProfileLimits {
    public static let displayName = 1...120
    public static let shortField = 0...200
    public static let summary = 0...1_000
}

extension ClinicProfile {
    /// Checks every field against ``ProfileLimits`` and trims surrounding whitespace.
    /// - Throws: ``ProfileError`` naming the field and its limit.
    public func validated() throws(ProfileError) -> ClinicProfile {
        var copy = self
        copy.displayName = displayName.trimmingWhitespace()
        guard !copy.displayName.isEmpty else { throw .empty(field: "name") }
        guard ProfileLimits.displayName.contains(copy.displayName.count) else {
            throw .tooLong(field: "name", maximum: ProfileLimits.displayName.upperBound)
        }
        let short: [(String, WritableKeyPath<ClinicProfile, String?>)] = [
            ("specialty", \.specialty), ("address", \.address), ("phone", \.phone), ("website", \.website),
            ("hours", \.hours),
        ]
        for (field, path) in short {
            let value = copy[keyPath: path]?.trimmingWhitespace()
            copy[keyPath: path] = value?.isEmpty == true ? nil : value
            if let value, value.count > ProfileLimits.shortField.upperBound {
                throw .tooLong(field: field, maximum: ProfileLimits.shortField.upperBound)
            }
        }
        let summary = copy.summary?.trimmingWhitespace()
        copy.summary = summary?.isEmpty == true ? nil : summary
        if let summary, summary.count > ProfileLimits.summary.upperBound {
            throw .tooLong(field: "description", maximum: ProfileLimits.summary.upperBound)
        }
        let fields: [(String, String?, multiline: Bool)] = [
            ("name", copy.displayName, false), ("specialty", copy.specialty, false),
            ("description", copy.summary, true), ("address", copy.address, true), ("phone", copy.phone, false),
            ("website", copy.website, false), ("hours", copy.hours, true),
        ]
        for case (let field, let value?, let multiline) in fields {
            if let rule = FreeText.violation(in: value, multiline: multiline) {
                throw .invalid(field: field, rule: rule)
            }
        }
        if let website = copy.website {
            let lowered = website.lowercased()
            guard lowered.hasPrefix("https://") || lowered.hasPrefix("http://") else {
                throw .invalid(field: "website", rule: "must start with https:// or http://")
            }
        }
        copy.monogram = Self.monogram(for: copy.displayName)
        return copy
    }
}

/// Why a profile was refused.
public enum ProfileError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty(field: String)
    case tooLong(field: String, maximum: Int)
    case invalid(field: String, rule: String)

    public var description: String {
        switch self {
        case .empty(let field): "\(field) is empty"
        case .tooLong(let field, let maximum): "\(field) is longer than \(maximum) characters"
        case .invalid(let field, let rule): "\(field) \(rule)"
        }
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var view = Substring(self)
        while let first = view.first, first.isWhitespace { view.removeFirst() }
        while let last = view.last, last.isWhitespace { view.removeLast() }
        return String(view)
    }
}
