import Foundation
import Logging
import Metrics
import SpruceCore
import SpruceStore
import Synchronization

/// Counts the funnel in memory and flushes it to the store (docs/ARCHITECTURE.md, "The funnel").
///
/// Counts go into one of ``shardCount`` shards chosen by the link code's hash, each behind its own lock: two
/// threads wait for each other only when they count links of the same shard at the same instant, and the flusher
/// takes each lock once per interval. Nothing touches the database on the request path. The flusher swaps every
/// shard's tally for an empty one and writes them all with one ``SpruceStore/recordFunnel(_:known:)``, unmerged
/// (their rows are added up as they are written); while there, it hands every shard the current visitor keys and
/// time zones. `Benchmarks/run-http.sh` measures the cost against `serve --no-analytics`.
final class FunnelRecorder: Sendable {
    /// What a view of a link was.
    enum View: Sendable {
        /// The profile page (`GET /{code}`).
        case page
        /// The invitation page (`GET /i/{token}`): also counts as opened.
        case invitation
        /// The profile JSON an app reads.
        case json
    }

    /// The request facts the funnel looks at; none of them is kept beyond the connection they came on.
    struct Traits: Sendable, Equatable {
        let method: String
        let purpose: String?
        let secPurpose: String?
        let userAgent: String?
        let address: String
    }

    /// What the funnel last worked out for one connection's client: its traits, their classification, and its
    /// keyed hash on one day. A keep-alive connection mostly carries one browser, so the next request with the same
    /// traits skips the classifier and the hash; a proxy's connection carrying many clients only misses. Held by
    /// the connection, in memory, and gone with it.
    struct ConnectionMemo: Sendable {
        fileprivate var traits: Traits?
        fileprivate var traffic = TrafficClassifier.Traffic.person
        fileprivate var hashDay: LocalDay?
        fileprivate var hash: UInt64?

        init() {}

        fileprivate init(_ traits: Traits) {
            self.traits = traits
            traffic = TrafficClassifier.classify(
                method: traits.method, purpose: traits.purpose, secPurpose: traits.secPurpose,
                userAgent: traits.userAgent)
        }
    }

    private final class Shard: Sendable {
        struct State {
            var tally = FunnelTally()
            var keys: VisitorKeys
            var zones: [OrganizationID: TimeZone]
        }

        let state: Mutex<State>

        init(keys: VisitorKeys, zones: [OrganizationID: TimeZone]) {
            state = Mutex(State(keys: keys, zones: zones))
        }
    }

    private struct Shared {
        var keys = VisitorKeys()
        var zones: [OrganizationID: TimeZone] = [:]
        /// A tally whose write failed, written with the next flush.
        var pending = FunnelTally()
        var stored = StoredSketches()
        var links = FunnelLinks()
    }

    private static let utc = TimeZone(secondsFromGMT: 0) ?? .gmt

    let store: SpruceStore
    let directory: LinkDirectory
    let settings: FunnelSettings
    private let logger: Logger
    static let shardCount = 64
    private let shards: [Shard]
    private let shared: Mutex<Shared>

    init(store: SpruceStore, directory: LinkDirectory, settings: FunnelSettings, logger: Logger) {
        self.store = store
        self.directory = directory
        self.settings = settings
        self.logger = logger
        var initial = Shared()
        initial.keys.rotate(now: Date())
        shards = (0..<Self.shardCount).map { _ in Shard(keys: initial.keys, zones: [:]) }
        shared = Mutex(initial)
    }

    // MARK: - Counting (request path)

    /// Counts a view of a link: a preview, or a scan or visit (and an opened invitation) with its visitor.
    func countView(_ view: View, code: LinkCode, organization: OrganizationID?, isScan: Bool, traits: Traits) {
        var memo = ConnectionMemo(traits)
        countView(view, code: code, organization: organization, isScan: isScan, memo: &memo)
    }

    /// Counts a view as above, reusing what `memo` knows of the same client from an earlier request on the
    /// connection: the request's traits are only built, classified and hashed when they are not `memo`'s. On a
    /// match nothing is copied or compared twice.
    func countView(
        _ view: View, code: LinkCode, organization: OrganizationID?, isScan: Bool, method: String,
        fields: some Sequence<(name: String, value: String)>, address: String, memo: inout ConnectionMemo
    ) {
        if memo.traits?.matches(method: method, fields: fields, address: address) != true {
            memo = ConnectionMemo(Traits(method: method, fields: fields, address: address))
        }
        countView(view, code: code, organization: organization, isScan: isScan, memo: &memo)
    }

    /// Counts a view by `memo`'s traits, hashing its visitor when the day changed.
    private func countView(
        _ view: View, code: LinkCode, organization: OrganizationID?, isScan: Bool, memo: inout ConnectionMemo
    ) {
        let traffic = memo.traffic
        let organization = organization ?? self.organization(of: code)
        let now = Date()
        shard(code).state.withLock { state in
            let day = LocalDay(now, in: organization.flatMap { state.zones[$0] } ?? Self.utc)
            guard traffic == .person else {
                state.tally.add(.preview, code: code, day: day)
                return
            }
            if memo.hashDay != day || memo.hash == nil, let traits = memo.traits {
                memo.hash = state.keys.hash(address: traits.address, userAgent: traits.userAgent, day: day)
                memo.hashDay = day
            }
            state.tally.add(
                isScan && view != .json ? .scan : .visit, also: view == .invitation ? .invitationOpened : nil,
                visitor: memo.hash, code: code, day: day)
        }
    }

    /// Counts one funnel step on a link (a connect click, a signup, a conversation, an invitation).
    func count(_ events: FunnelEvent..., code: LinkCode, organization: OrganizationID? = nil) {
        let organization = organization ?? self.organization(of: code)
        let now = Date()
        shard(code).state.withLock { state in
            let day = LocalDay(now, in: organization.flatMap { state.zones[$0] } ?? Self.utc)
            for event in events { state.tally.add(event, code: code, day: day) }
        }
    }

    private func organization(of code: LinkCode) -> OrganizationID? {
        switch directory.cached(code) {
        case .active(let link, _)?: link.organizationID
        default: nil
        }
    }

    /// The shard of `code`, by FNV-1a of its bytes: the shard only spreads the locks, and the tally hashes the code
    /// properly anyway, so a second SipHash per request bought nothing.
    private func shard(_ code: LinkCode) -> Shard {
        var hash: UInt32 = 2_166_136_261
        for byte in code.rawValue.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return shards[Int(hash % UInt32(Self.shardCount))]
    }

    // MARK: - Flushing

    /// Takes every shard's counts and hands the shards the current keys and zones; returns the counts, those of a
    /// failed write first, leaving out the empty ones. Each shard counts its own codes, so merging the tallies into
    /// one would only copy every link and day into a new table: the write adds their rows up instead.
    func drain(now: Date = Date()) -> [FunnelTally] {
        let (keys, zones, pending) = shared.withLock { shared in
            shared.keys.rotate(now: now)
            let pending = shared.pending
            shared.pending = FunnelTally()
            return (shared.keys, shared.zones, pending)
        }
        let tallies = shards.map { shard in
            shard.state.withLock { state in
                let tally = state.tally
                // Room for as many links as the last interval had: the request path then never grows the table.
                state.tally = FunnelTally()
                state.tally.reserveCapacity(toHold: [tally])
                state.keys = keys
                state.zones = zones
                return tally
            }
        }
        return ([pending] + tallies).filter { !$0.isEmpty }
    }

    /// How many links and days the next flush writes, about: what the shards counted, and what a failed write
    /// left for it.
    func pendingLinkDays() -> Int {
        shards.reduce(shared.withLock { $0.pending.linkDayCount }) { total, shard in
            total + shard.state.withLock { $0.tally.linkDayCount }
        }
    }

    /// Writes what was counted since the last flush, but for visitors known stored already
    /// (``StoredSketches``), looking up only links not met before (``FunnelLinks``); on failure the counts wait for
    /// the next one.
    /// - Returns: how many links and days it took (``FunnelTally/linkDayCount``).
    @discardableResult
    func flush() async -> Int {
        var tallies = drain()
        let linkDays = tallies.reduce(0) { $0 + $1.linkDayCount }
        guard !tallies.isEmpty else { return 0 }
        let known = shared.withLock { shared in
            for index in tallies.indices { shared.stored.removeStored(from: &tallies[index]) }
            return shared.links
        }
        do {
            let found = try await store.recordFunnel(tallies, known: known)
            shared.withLock { shared in
                for tally in tallies { shared.stored.remember(tally) }
                shared.links.learn(found)
            }
            var totals: [FunnelEvent: Int] = [:]
            for tally in tallies { totals.merge(tally.totals, uniquingKeysWith: +) }
            for (event, count) in totals {
                Counter(label: "sprucelink_funnel_events_total", dimensions: [("event", event.rawValue)])
                    .increment(by: count)
            }
        } catch {
            logger.warning("funnel flush failed; counts kept for the next one", metadata: ["error": "\(error)"])
            shared.withLock { shared in
                for tally in tallies { shared.pending.merge(tally) }
            }
        }
        return linkDays
    }

    /// Reads every organization's time zone and hands it to every shard.
    func refreshTimeZones() async {
        do {
            let zones = try await store.funnelTimeZones().mapValues(\.timeZone)
            shared.withLock { $0.zones = zones }
            for shard in shards { shard.state.withLock { $0.zones = zones } }
        } catch {
            logger.warning("funnel time zones could not be read", metadata: ["error": "\(error)"])
        }
    }

    /// Looks at what is counted every flush interval until cancelled and flushes it when due (``FunnelPacing``),
    /// re-reads time zones and rolls old days up now and then, then flushes what is left. That last flush runs in a
    /// task of its own: in the cancelled one the store's calls fail at once, and a graceful shutdown lost what was
    /// counted since the last flush. `sprucelink_funnel_pending_link_days` on `/metrics` says how much waits.
    func run() async {
        await refreshTimeZones()
        let clock = ContinuousClock()
        let start = clock.now
        let waiting = Gauge(label: "sprucelink_funnel_pending_link_days")
        var pacing = FunnelPacing(settings)
        var lastZones = clock.now
        var lastRollUp: ContinuousClock.Instant?
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(Int64(settings.flushInterval * 1000)))
            guard !Task.isCancelled else { break }
            let pending = pendingLinkDays()
            waiting.record(pending)
            if pacing.isDue(pending: pending, now: (clock.now - start).timeInterval) {
                let started = clock.now
                let linkDays = await flush()
                pacing.flushed(linkDays: linkDays, took: (clock.now - started).timeInterval)
            }
            if clock.now - lastZones >= .milliseconds(Int64(settings.timeZoneRefresh * 1000)) {
                await refreshTimeZones()
                lastZones = clock.now
            }
            if lastRollUp.map({ clock.now - $0 >= .seconds(settings.rollUpInterval) }) ?? true {
                do {
                    try await store.rollUpFunnel(retention: settings.retention)
                } catch {
                    logger.warning("funnel roll-up failed", metadata: ["error": "\(error)"])
                }
                lastRollUp = clock.now
            }
        }
        _ = await Task { await flush() }.value
    }
}
