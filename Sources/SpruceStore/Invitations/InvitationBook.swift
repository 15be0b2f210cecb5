import SpruceCore

/// The still-valid invitations that a batch of requests can match, kept in memory while the batch is decided, so
/// that each request sees the ones before it without a query: what `ORDER BY id DESC LIMIT 1` over the valid
/// invitations to an email or phone would return after the statements of the earlier requests.
///
/// Entries are in id order: the stored ones (read oldest first), then the ones recorded by this batch, whose ids
/// the database assigns later and therefore higher.
struct InvitationBook {
    enum Entry {
        /// Read from the database.
        case stored(InvitationRecord)
        /// To be recorded by this batch: the index into ``newRequests``.
        case new(Int)
    }

    private(set) var entries: [Entry]
    /// The requests to record, in order.
    private(set) var newRequests: [InvitationRequest] = []
    private var byEmail: [String: [Int]] = [:]
    private var byPhone: [String: [Int]] = [:]
    private var revoked: Set<Int> = []

    /// - Parameter stored: the still-valid invitations, oldest (lowest id) first.
    init(_ stored: [InvitationRecord]) {
        entries = stored.map(Entry.stored)
        for (entry, record) in stored.enumerated() {
            index(entry, email: record.invitation.recipient.email, phone: record.invitation.recipient.phone)
        }
    }

    /// The newest valid entry to `email` or `phone`, or `nil`.
    func newest(email: String?, phone: String?) -> Int? {
        let candidates = (email.flatMap { byEmail[$0] } ?? []) + (phone.flatMap { byPhone[$0] } ?? [])
        return candidates.filter { !revoked.contains($0) }.max()
    }

    /// Marks `entry` revoked: no later request matches it.
    mutating func revoke(_ entry: Int) {
        revoked.insert(entry)
    }

    /// Adds the invitation that `request` will record.
    /// - Returns: its entry.
    mutating func add(_ request: InvitationRequest) -> Int {
        let entry = entries.count
        entries.append(.new(newRequests.count))
        newRequests.append(request)
        index(entry, email: request.recipient.email, phone: request.recipient.phone)
        return entry
    }

    private mutating func index(_ entry: Int, email: String?, phone: String?) {
        if let email { byEmail[email, default: []].append(entry) }
        if let phone { byPhone[phone, default: []].append(entry) }
    }
}

extension Array {
    /// Consecutive slices of at most `size` elements (`size` ≥ 1), e.g. to bound the binds of one statement.
    func chunks(of size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: Swift.max(size, 1)).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
