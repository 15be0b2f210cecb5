import SpruceCore

/// The human-readable rendering of a public profile.
enum ProfileText {
    static func render(_ profile: ClinicProfile) -> String {
        var lines = ["\(profile.displayName)  [\(profile.monogram)]"]
        var facts = [profile.kind.rawValue]
        if let specialty = profile.specialty { facts.append(specialty) }
        facts.append(profile.acceptsNewPatients ? "accepting new patients" : "not accepting new patients")
        lines.append("  " + facts.joined(separator: " · "))
        if let summary = profile.summary { lines.append("  \(summary)") }
        let fields: [(String, String?)] = [
            ("Address", profile.address), ("Phone", profile.phone), ("Website", profile.website),
            ("Hours", profile.hours),
        ]
        for (name, value) in fields {
            if let value { lines.append("  \(name): \(value)") }
        }
        return lines.joined(separator: "\n")
    }
}
