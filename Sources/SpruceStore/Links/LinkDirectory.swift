import Foundation
import Logging
import SpruceCore
import Synchronization

/// What a practice code leads to, as its public page, profile JSON and QR code need it.
public enum PublicResolution: Equatable, Sendable {
    case active(PublicLinkRecord, profile: ClinicProfile)
    /// ``Resolution/notFound`` or ``Resolution/disabled``.
    case unavailable(Resolution)

    /// The outcome's machine name, as ``Resolution/outcome``.
    public var outcome: String {
        switch self {
        case .active: "found"
        case .unavailable(let resolution): resolution.outcome
        }
    }

    init(_ record: PublicLinkRecord, profile: ClinicProfile?) {
        guard let profile else {
            self = .unavailable(.notFound)
            return
        }
        self = record.isActive ? .active(record, profile: profile) : .unavailable(.disabled)
    }
}

/// An in-memory copy of every practice link's public face (code, organization, active or not) and of every
/// organization's profile, kept current by the store's link change feed, so that resolving a code on the hot path
/// costs a dictionary look-up instead of a database query.
///
/// - Memory: about 16 bytes of table per link (see `LinkTable`), 27 to 37 bytes resident with the hash table's
///   free slots; the default bound is 10 million links.
/// - Loading: ``run()`` reads up to `capacity` links and every profile in one snapshot, together with the feed's
///   generation, then reads the feed every `syncInterval` and forgets every link and profile it names. A change
///   made on another instance shows here within one interval.
/// - Misses (unknown codes, links beyond `capacity`, profiles just forgotten) are read from the database with
///   the feed generation of that read. The answer is kept only if no change newer than that read has been
///   applied meanwhile, so a slow read can never put back what the feed just removed.
/// - When the feed could not be read for `staleAfter`, every answer comes from the database until it can.
/// - Unknown codes are never kept: a code minted elsewhere works at once.
public final class LinkDirectory: Sendable {
    public struct Settings: Sendable {
        /// How often the feed is read; zero keeps nothing in memory (every answer from the database).
        public var syncInterval: Duration
        /// How long without a successful read of the feed before answers come from the database again.
        public var staleAfter: Duration
        /// The most links kept; when full, an arbitrary one makes room for a newly read one.
        public var capacity: Int
        /// Feed rows older than this are deleted (by every instance, now and then).
        public var feedRetention: Duration
        /// Ids of links a load reads per query (small in tests, to cross many ranges).
        var loadRange = PackedLink.rangeSize

        public init(
            syncInterval: Duration = .seconds(1),
            staleAfter: Duration? = nil,
            capacity: Int = 10_000_000,
            feedRetention: Duration = .seconds(86_400)
        ) {
            self.syncInterval = syncInterval
            self.staleAfter = staleAfter ?? max(syncInterval * 5, .seconds(5))
            self.capacity = capacity
            self.feedRetention = feedRetention
        }

        var isEnabled: Bool { syncInterval > .zero && capacity > 0 }
    }

    private struct State {
        var links = LinkTable()
        var profiles: [OrganizationID: ClinicProfile] = [:]
        /// Every feed change up to this generation has been applied.
        var generation: Int64 = 0
        /// When the last successful load or feed read started; nil before the first.
        var syncedAt: ContinuousClock.Instant?
    }

    private let state = Mutex(State())
    private let store: SpruceStore
    private let logger: Logger
    public let settings: Settings

    public init(
        store: SpruceStore, settings: Settings = Settings(), logger: Logger = Logger(label: "sprucelink.directory")
    ) {
        self.store = store
        self.settings = settings
        self.logger = logger
    }

    /// What `code` leads to: from memory when the directory is current, else from the database.
    public func resolve(_ code: LinkCode) async throws -> PublicResolution {
        if let known = cached(code) { return known }
        guard let (generation, record, profile) = try await store.publicLink(code: code) else {
            return .unavailable(.notFound)
        }
        remember(record, profile: profile, readAt: generation)
        return PublicResolution(record, profile: profile)
    }

    /// Forgets `code` at once: for a change made through this instance, before the feed reports it.
    public func forget(_ code: LinkCode) {
        state.withLock { _ = $0.links.remove(code) }
    }

    /// Forgets the profile of `organizationID` at once: for an edit made through this instance, before the feed
    /// reports it, so that the editor's next look at the public page shows the edit.
    public func forgetProfile(of organizationID: OrganizationID) {
        state.withLock { _ = $0.profiles.removeValue(forKey: organizationID) }
    }

    /// Whether answers currently come from memory.
    public var isCurrent: Bool {
        state.withLock { isFresh($0, at: .now) }
    }

    /// The number of links held in memory.
    public var count: Int { state.withLock { $0.links.count } }

    /// Loads, then follows the feed every `syncInterval`; returns when the task is cancelled (a disabled directory
    /// only waits for that). Failures are logged and retried on the next round; answers fall back to the database
    /// once the copy is `staleAfter` old.
    public func run() async {
        guard settings.isEnabled else {
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(3_600)) }
            return
        }
        var lastPrune: ContinuousClock.Instant?
        while !Task.isCancelled {
            do {
                try await sync()
                if lastPrune.map({ .now - $0 > .seconds(600) }) ?? true {
                    lastPrune = .now
                    let cutoff = Date().addingTimeInterval(-Double(settings.feedRetention.components.seconds))
                    try await store.pruneLinkChanges(olderThan: cutoff)
                }
            } catch {
                logger.warning("link directory: sync failed", metadata: ["error.type": "\(type(of: error))"])
            }
            try? await Task.sleep(for: settings.syncInterval)
        }
    }

    /// One round: a full load when nothing is loaded (or the copy is older than the feed keeps), else the
    /// feed's changes since the last round.
    public func sync() async throws {
        guard settings.isEnabled else { return }
        let started = ContinuousClock.now
        let (syncedAt, generation) = state.withLock { ($0.syncedAt, $0.generation) }
        if syncedAt.map({ started - $0 > settings.feedRetention / 2 }) ?? true {
            try await load(startedAt: started)
            return
        }
        var applied = generation
        while true {
            let changes = try await store.linkChanges(after: applied)
            state.withLock { state in
                for change in changes {
                    if let code = change.code { state.links.remove(code) }
                    if let organizationID = change.organizationID { state.profiles.removeValue(forKey: organizationID) }
                    state.generation = max(state.generation, change.generation)
                }
            }
            guard let last = changes.last, changes.count >= 1_000 else { break }
            applied = last.generation
        }
        state.withLock { $0.syncedAt = started }
    }

    /// Reads every link, a range of ids at a time, into a fresh table (no array of every link in between), then swaps
    /// it in.
    private func load(startedAt: ContinuousClock.Instant) async throws {
        let loading = LoadingTable()
        let (generation, profiles) = try await store.streamLinkDirectory(
            limit: settings.capacity, rangeSize: settings.loadRange,
            expecting: { count in loading.table.withLock { $0 = LinkTable(reservingCapacity: count) } },
            packed: { values in loading.table.withLock { $0.insert(packed: values) } },
            each: { record in loading.table.withLock { $0.insert(record) } })
        let count = state.withLock { state in
            state = State(profiles: profiles, generation: generation, syncedAt: startedAt)
            loading.table.withLock { swap(&state.links, &$0) }
            return state.links.count
        }
        logger.info("link directory loaded", metadata: ["links": "\(count)", "generation": "\(generation)"])
    }

    private func isFresh(_ state: State, at now: ContinuousClock.Instant) -> Bool {
        guard settings.isEnabled, let syncedAt = state.syncedAt else { return false }
        return now - syncedAt <= settings.staleAfter
    }

    /// What memory says of `code`, without waiting: nil when the code is not held, its profile was forgotten, or
    /// the directory is not current. For callers that cannot wait for the database (an event loop).
    public func cached(_ code: LinkCode) -> PublicResolution? {
        let now = ContinuousClock.now
        return state.withLock { state in
            guard isFresh(state, at: now), let entry = state.links[code] else { return nil }
            guard entry.isActive else { return .unavailable(.disabled) }
            guard let profile = state.profiles[entry.organizationID] else { return nil }
            let record = PublicLinkRecord(
                code: code, organizationID: entry.organizationID, isActive: true, qrColors: entry.qrColors)
            return .active(record, profile: profile)
        }
    }

    /// Keeps a record read from the database at feed generation `readAt`, unless a newer change was applied since.
    func remember(_ record: PublicLinkRecord, profile: ClinicProfile?, readAt generation: Int64) {
        let now = ContinuousClock.now
        state.withLock { state in
            guard isFresh(state, at: now), generation >= state.generation else { return }
            if state.links[record.code] == nil, state.links.count >= settings.capacity {
                state.links.removeAny()
            }
            state.links.insert(record)
            if let profile { state.profiles[record.organizationID] = profile }
        }
    }
}

/// The table a load fills as rows arrive, shared with the store's row callback.
private final class LoadingTable: Sendable {
    let table = Mutex(LinkTable())
}
