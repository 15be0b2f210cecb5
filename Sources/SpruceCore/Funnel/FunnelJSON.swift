/// The JSON forms of funnel reports, the same for the API and the CLI.
public enum FunnelJSON {
    public struct Counts: Encodable, Sendable {
        public let values: FunnelCounts

        public init(values: FunnelCounts) { self.values = values }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            for event in FunnelEvent.allCases { try container.encode(values[event], forKey: Key(event.rawValue)) }
            try container.encode(values.uniqueVisitors, forKey: Key("unique_visitors"))
        }
    }

    struct Key: CodingKey {
        let stringValue: String
        init(_ text: String) { stringValue = text }
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    public struct Period: Encodable, Sendable {
        let start: String
        let counts: Counts
    }

    public struct LinkReport: Encodable, Sendable {
        let code: String
        let timeZone: String
        let from: String
        let to: String
        let by: String
        let periods: [Period]
        let totals: Counts

        public init(_ report: LinkFunnelReport) {
            code = report.code.rawValue
            timeZone = report.timeZone.identifier
            from = report.range.from.description
            to = report.range.to.description
            by = report.grouping.rawValue
            periods = report.periods.map { Period(start: $0.start.description, counts: Counts(values: $0.counts)) }
            totals = Counts(values: report.totals)
        }
    }

    public struct TagTotal: Encodable, Sendable {
        let tag: String?
        let links: Int
        let counts: Counts

        public init(_ total: TagFunnelTotal) {
            tag = total.tag
            links = total.links
            counts = Counts(values: total.counts)
        }

        /// `tag` is written as `null` for untagged links, never left out.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(tag, forKey: Key("tag"))
            try container.encode(links, forKey: Key("links"))
            try container.encode(counts, forKey: Key("counts"))
        }
    }

    public struct TagReport: Encodable, Sendable {
        let organizationId: Int64
        let from: String
        let to: String
        let tags: [TagTotal]

        public init(organization: OrganizationID, range: FunnelRange, totals: [TagFunnelTotal]) {
            organizationId = organization.rawValue
            from = range.from.description
            to = range.to.description
            tags = totals.map(TagTotal.init)
        }
    }
}
