import Dispatch
import Foundation
import SpruceCore
import SpruceStore
import Synchronization

/// The batch path: recipients go through the same four steps as
/// ``InvitationDispatcher/send(link:practiceName:recipient:requested:resend:at:)``,
/// a chunk at a time, so that each step costs one transaction or one flush per chunk instead of one per message.
///
/// For a chunk, in this order:
/// 1. **one** transaction records every recipient's invitation (`SpruceStore.prepareInvitations`);
/// 2. every message is rendered and spooled into `tmp/` with **one** flush for the chunk (``Outbox/spool(_:)``):
///    a spool file has its final name only once its bytes are on disk;
/// 3. each message is delivered (renamed into `new/`, appended to `texts.jsonl`, or piped to sendmail), then
///    **one** flush makes the chunk's deliveries durable (``Outbox/syncDeliveries()``);
/// 4. **one** transaction marks the chunk's deliveries.
///
/// The crash argument is the one of the single path, step for step: a kill between steps leaves recorded but
/// unmarked invitations whose messages are either delivered (the re-run's ``OutboxIndex`` finds them and only
/// marks), complete in the spool (delivered from it, with the token they were rendered with), or absent or only
/// `.part` (rendered again with a fresh token: nothing was sent). A power cut can undo at most what followed the
/// last flush, and nothing is marked before the flush that makes its delivery durable.
extension InvitationDispatcher {
    /// How many recipients the batch path records, flushes and marks together by default.
    public static let defaultChunkSize = 200

    /// Invites `recipients` as one chunk (see above), each on the `requested` channels it has an address for.
    ///
    /// A recipient already recorded earlier in the same chunk (a duplicate row, or a shared email or phone) is
    /// skipped as already invited. ``afterDelivery`` is called after each message is delivered, as in the single
    /// path (before the chunk's flush and marks).
    /// - Returns: one outcome per recipient, in order.
    public func send(
        link: LinkCode,
        practiceName: String,
        recipients: [InvitationRecipient],
        requested: [InvitationChannel],
        resend: Bool = false,
        in scope: OrganizationScope = .everyOrganization,
        at now: Date = Date()
    ) async -> [Outcome] {
        let chunk = await prepare(
            link: link, practiceName: practiceName, recipients: recipients, requested: requested, resend: resend,
            in: scope, at: now)
        return await finish(chunk)
    }

    /// Invites every chunk of `chunks` as ``send(link:practiceName:recipients:requested:resend:in:at:)`` would,
    /// one after the other, but overlapped: while one chunk is delivered, flushed and marked (steps 3 and 4, mostly
    /// waiting for the disk), the next is recorded, rendered and spooled (steps 1 and 2). Each chunk is recorded
    /// only after the one before it was; a recipient repeated from the chunk still in delivery is skipped as
    /// already invited, as within one chunk (one after the other, it would be too once that chunk is marked).
    /// At most two chunks are in flight.
    /// - Parameter handle: called with each chunk's index and outcomes (one per recipient, in order), in chunk
    ///   order, on the caller's task.
    public func send(
        link: LinkCode,
        practiceName: String,
        chunks: [[InvitationRecipient]],
        requested: [InvitationChannel],
        resend: Bool = false,
        in scope: OrganizationScope = .everyOrganization,
        handle: (_ chunk: Int, _ outcomes: [Outcome]) async throws -> Void
    ) async rethrows {
        var delivering: Task<[Outcome], Never>?
        var inFlight: Set<InvitationID> = []
        for (index, recipients) in chunks.enumerated() {
            let chunk = await prepare(
                link: link, practiceName: practiceName, recipients: recipients, requested: requested,
                resend: resend, in: scope, at: Date(), inFlight: inFlight)
            if let delivering { try await handle(index - 1, await delivering.value) }
            inFlight = chunk.plan?.seen ?? []
            delivering = Task { await finish(chunk) }
        }
        if let delivering { try await handle(chunks.count - 1, await delivering.value) }
    }

    /// Steps 1 and 2 for a chunk: records every recipient, renders the new invitations' messages and spools them.
    /// - Parameter inFlight: the invitations of the chunk being delivered meanwhile; the store reports them as
    ///   undelivered until that chunk is marked, and they are skipped here as already invited.
    func prepare(
        link: LinkCode,
        practiceName: String,
        recipients: [InvitationRecipient],
        requested: [InvitationChannel],
        resend: Bool,
        in scope: OrganizationScope,
        at now: Date,
        inFlight: Set<InvitationID> = []
    ) async -> PreparedChunk {
        var outcomes: [Outcome?] = Array(repeating: nil, count: recipients.count)
        var slots: [Int] = []
        var requests: [InvitationRequest] = []
        for (slot, recipient) in recipients.enumerated() {
            do {
                let channels = try recipient.deliveryChannels(for: requested)
                slots.append(slot)
                requests.append(InvitationRequest(recipient: recipient, channels: channels))
            } catch {
                outcomes[slot] = .failed(reason: error.description)
            }
        }
        var plan = ChunkPlan()
        do {
            let preparations = try await store.prepareInvitations(
                link: link, requests: requests, invitedBy: invitedBy, resend: resend, lifetime: lifetime, in: scope,
                at: now)
            let rendered = renderMessages(preparations, practiceName: practiceName)
            for (slot, preparation) in zip(slots, preparations) {
                switch preparation {
                case .failure(let error):
                    outcomes[slot] = .failed(reason: error.description)
                case .success(.optedOut(let address)):
                    outcomes[slot] = .skipped(.refused(.optedOut(address: address)))
                case .success(.alreadyInvited(let record)):
                    outcomes[slot] = .skipped(.refused(.alreadyInvited(record.invitation.id)))
                case .success(.created(let record, let token)):
                    plan.seen.insert(record.invitation.id)
                    switch rendered[record.invitation.id]
                        ?? Result(catching: {
                            let messages = try render(
                                record, channels: record.channels, token: token, practiceName: practiceName)
                            return RenderedMessages(messages: messages.messages, warnings: messages.warnings)
                        })
                    {
                    case .success(let messages):
                        plan.add(slot, record, messages.messages, warnings: messages.warnings)
                    case .failure(let error):
                        outcomes[slot] = .failed(reason: String(describing: error))
                    }
                case .success(.undelivered(let record)):
                    guard !inFlight.contains(record.invitation.id), plan.seen.insert(record.invitation.id).inserted
                    else {
                        outcomes[slot] = .skipped(.refused(.alreadyInvited(record.invitation.id)))
                        continue
                    }
                    do { try await planResume(record, slot: slot, practiceName: practiceName, into: &plan) } catch {
                        outcomes[slot] = .failed(reason: String(describing: error))
                    }
                }
            }
            let (outbox, spool) = (outbox, plan.spool)
            try await blocking { try outbox.spool(spool) }
        } catch {
            return PreparedChunk(outcomes: Self.finish(outcomes, failingRemaining: error), plan: nil)
        }
        plan.spool = []  // written: only the names are needed from here on
        return PreparedChunk(outcomes: outcomes, plan: plan)
    }

    /// Steps 3 and 4 for a prepared chunk: delivers its messages, flushes once, marks the deliveries.
    func finish(_ chunk: PreparedChunk) async -> [Outcome] {
        guard var plan = chunk.plan else { return chunk.outcomes.map { $0 ?? .failed(reason: "not attempted") } }
        var outcomes = chunk.outcomes
        // Deliver the chunk and make it durable in one trip to the thread pool; the store marks only what that
        // trip reports delivered and flushed.
        let (outbox, route, afterDelivery) = (outbox, emailRoute, afterDelivery)
        let deliveries = plan.deliveries.filter { plan.failures[$0.slot] == nil }
        let trip: ChunkDelivery
        do {
            trip = try await blocking {
                var trip = ChunkDelivery()
                var textSpools: [SpoolName] = []
                for delivery in deliveries {
                    let name = delivery.name
                    do {
                        try Self.deliver(name, from: outbox, route: route, syncsText: false)
                        if name.channel == .text { textSpools.append(name) }
                    } catch {
                        trip.failures[delivery.slot] = String(describing: error)
                        continue
                    }
                    afterDelivery?()
                    trip.delivered.append(OutboxIndex.Key(name.invitationID, name.channel))
                }
                try outbox.syncDeliveries()
                for name in textSpools { outbox.discard(name) }
                return trip
            }
            plan.failures.merge(trip.failures) { first, _ in first }
            try await store.markDelivered(plan.marks + trip.delivered)
        } catch {
            return Self.finish(outcomes, failingRemaining: error)
        }
        for (slot, sent) in plan.sent {
            outcomes[slot] =
                plan.failures[slot].map { .failed(reason: $0) } ?? .sent(sent.record, warnings: sent.warnings)
        }
        return Self.finish(outcomes, failingRemaining: DeliveryError("not attempted"))
    }

    /// The messages of every new invitation (QR PNG, MIME email, text record), rendered on every core at once:
    /// this is most of a chunk's work. Each result is what ``render(_:channels:token:practiceName:qrPNG:)`` gives
    /// for that invitation, an error included.
    func renderMessages(
        _ preparations: [Result<InvitationPreparation, StoreError>],
        practiceName: String
    ) -> [InvitationID: Result<RenderedMessages, any Error>] {
        let created: [(record: InvitationRecord, token: InvitationToken)] = preparations.compactMap { preparation in
            guard case .success(.created(let record, let token)) = preparation else { return nil }
            return (record, token)
        }
        let workers = ProcessInfo.processInfo.activeProcessorCount
        let results = WorkerThreads.map(created.count, threads: workers) { index in
            let (record, token) = created[index]
            return Result<RenderedMessages, any Error> {
                let rendered = try render(record, channels: record.channels, token: token, practiceName: practiceName)
                return RenderedMessages(messages: rendered.messages, warnings: rendered.warnings)
            }
        }
        var byID: [InvitationID: Result<RenderedMessages, any Error>] = [:]
        for (index, result) in results.enumerated() { byID[created[index].record.invitation.id] = result }
        return byID
    }

    /// Plans the rest of a recorded invitation from what the outbox holds (the batch form of `resume`).
    private func planResume(
        _ record: InvitationRecord,
        slot: Int,
        practiceName: String,
        into plan: inout ChunkPlan
    ) async throws {
        let id = record.invitation.id
        let (delivered, remaining) = try await outboxState(of: record)
        plan.marks += delivered
        let spooled = remaining.compactMap { index.spooled[OutboxIndex.Key(id, $0)] }
        if spooled.count == remaining.count {
            plan.add(slot, record, [], warnings: [])
            plan.deliveries += spooled.map { (slot, $0) }
            return
        }
        try await blocking { for name in spooled { outbox.discard(name) } }
        guard let token = try await store.rekeyInvitation(id: id) else {
            throw DeliveryError("invitation \(id) is no longer pending")
        }
        let rendered = try render(record, channels: remaining, token: token, practiceName: practiceName)
        plan.add(slot, record, rendered.messages, warnings: rendered.warnings)
    }

    private static func finish(_ outcomes: [Outcome?], failingRemaining error: any Error) -> [Outcome] {
        outcomes.map { $0 ?? .failed(reason: String(describing: error)) }
    }
}

/// A chunk recorded, rendered and spooled, waiting for delivery; or, without a plan, a chunk that failed before
/// anything was spooled, with every outcome decided.
struct PreparedChunk: Sendable {
    var outcomes: [InvitationDispatcher.Outcome?]
    var plan: ChunkPlan?
}

/// An invitation's messages, named for the spool, and the warnings about its text.
struct RenderedMessages: Sendable {
    var messages: [(name: SpoolName, bytes: [UInt8])]
    var warnings: [String]
}

/// What the delivery of a chunk did, reported from the thread pool.
private struct ChunkDelivery: Sendable {
    var delivered: [OutboxIndex.Key] = []
    var failures: [Int: String] = [:]
}

/// What a chunk will do, decided before anything is written.
struct ChunkPlan: Sendable {
    /// Invitations already handled in this chunk.
    var seen: Set<InvitationID> = []
    /// Messages to spool (one flush).
    var spool: [(name: SpoolName, bytes: [UInt8])] = []
    /// Spooled messages to deliver, in recipient order.
    var deliveries: [(slot: Int, name: SpoolName)] = []
    /// Deliveries that a previous run made but did not record.
    var marks: [OutboxIndex.Key] = []
    /// The recipients that will count as sent unless one of their deliveries fails.
    var sent: [Int: (record: InvitationRecord, warnings: [String])] = [:]
    var failures: [Int: String] = [:]

    mutating func add(
        _ slot: Int,
        _ record: InvitationRecord,
        _ messages: [(name: SpoolName, bytes: [UInt8])],
        warnings: [String]
    ) {
        spool += messages
        deliveries += messages.map { (slot, $0.name) }
        sent[slot] = (record, warnings)
    }
}
