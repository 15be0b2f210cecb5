import SpruceCore
import SpruceStore

extension InvitationDispatcher {
    /// Invites every row of an invitee list through the batch path
    /// (``send(link:practiceName:recipients:requested:resend:in:at:)``), `chunkSize` rows at a time; a row that
    /// failed validation is reported as failed without reaching the store.
    /// - Parameter afterChunk: called with each chunk's outcomes once the chunk is marked (a job's progress).
    /// - Returns: one outcome per row, in order.
    public func send(
        list rows: [InviteeList.Row],
        link: LinkCode,
        practiceName: String,
        requested: [InvitationChannel],
        chunkSize: Int = defaultChunkSize,
        in scope: OrganizationScope = .everyOrganization,
        afterChunk: (@Sendable ([InviteeOutcome]) async -> Void)? = nil
    ) async -> [InviteeOutcome] {
        var all: [InviteeOutcome] = []
        all.reserveCapacity(rows.count)
        for start in stride(from: 0, to: rows.count, by: max(chunkSize, 1)) {
            let chunk = rows[start..<min(start + max(chunkSize, 1), rows.count)]
            let valid = chunk.compactMap { try? $0.recipient.get() }
            var outcomes = await send(
                link: link, practiceName: practiceName, recipients: valid, requested: requested, in: scope
            ).makeIterator()
            var done: [InviteeOutcome] = []
            done.reserveCapacity(chunk.count)
            for row in chunk {
                let (status, id, reason): (InviteeOutcome.Status, InvitationID?, String)
                switch row.recipient {
                case .failure(let error): (status, id, reason) = (.failed, nil, error.description)
                case .success:
                    switch outcomes.next() {
                    case .sent(let record, let warnings)?:
                        (status, id, reason) = (.sent, record.invitation.id, warnings.joined(separator: "; "))
                    case .skipped(let why)?: (status, id, reason) = (.skipped, nil, why.description)
                    case .failed(let why)?: (status, id, reason) = (.failed, nil, why)
                    case nil: (status, id, reason) = (.failed, nil, "not attempted")
                    }
                }
                done.append(InviteeOutcome(row: row, status: status, invitationID: id, reason: reason))
            }
            await afterChunk?(done)
            all += done
        }
        return all
    }
}
