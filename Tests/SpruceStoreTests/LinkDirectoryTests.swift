import Foundation
import SQLKit
import SpruceCore
import Testing

@testable import SpruceStore

@Suite("The link directory: links in memory, kept current by the change feed")
struct LinkDirectoryTests {
    /// Default settings but a long `staleAfter`: a sync of the snapshot can take seconds when the whole suite runs
    /// on two busy cores, and a copy stale by the clock answers from the database, which is not what these tests
    /// are about (`staleDirectoryReadsTheDatabase` is).
    static let patient = LinkDirectory.Settings(staleAfter: .seconds(600))

    /// A second store on the same database stands for another instance of the service.
    func withTwoInstances(
        _ engine: TestEngine,
        _ body: @escaping (SpruceStore, SpruceStore) async throws -> Void
    ) async throws {
        try await withStore(engine) { store, location async throws in
            let other = try await SpruceStore.open(location, settings: testSettings())
            do {
                try await body(store, other)
                await other.close()
            } catch {
                await other.close()
                throw error
            }
        }
    }

    @Test(
        "a link disabled on another instance is served from memory until the next sync, then is gone",
        arguments: TestEngine.all)
    func disabledElsewhere(engine: TestEngine) async throws {
        try await withTwoInstances(engine) { here, elsewhere in
            let (organization, link) = try await here.createOrganization(sampleProfile())
            let directory = LinkDirectory(store: here, settings: Self.patient)
            try await directory.sync()
            #expect(directory.isCurrent)
            #expect(directory.count == 1)
            let active = PublicResolution.active(
                PublicLinkRecord(code: link.code, organizationID: organization.id, isActive: true, qrColors: .standard),
                profile: organization.profile)
            #expect(try await directory.resolve(link.code) == active)

            try await elsewhere.disableLink(code: link.code, in: .everyOrganization)
            // Until the feed is read, memory answers: the change is at most one interval away.
            #expect(try await directory.resolve(link.code) == active)
            try await directory.sync()
            #expect(try await directory.resolve(link.code) == .unavailable(.disabled))
            #expect(directory.count == 1)
        }
    }

    @Test(
        "an operator's UPDATE of a profile in SQL reaches the directory through the feed's trigger",
        arguments: TestEngine.all)
    func profileChangedInSQL(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ async throws in
            let (organization, link) = try await store.createOrganization(sampleProfile("Oak Street Pediatrics"))
            let directory = LinkDirectory(store: store, settings: Self.patient)
            try await directory.sync()
            _ = try await store.transaction { database in
                try await database.update("organizations").set(
                    "display_name", to: SQLBind("Oak Street Children's Clinic")
                )
                .where("id", .equal, SQLBind(organization.id.rawValue)).run()
            }
            let changes = try await store.linkChanges(after: 0)
            #expect(changes == [LinkChange(generation: 1, code: nil, organizationID: organization.id)])
            try await directory.sync()
            guard case .active(_, let profile) = try await directory.resolve(link.code) else {
                Issue.record("the link should still resolve")
                return
            }
            #expect(profile.displayName == "Oak Street Children's Clinic")
        }
    }

    @Test("a read that finished after a newer change was applied is answered but not kept", arguments: TestEngine.all)
    func slowReadIsNotKept(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ async throws in
            let (_, link) = try await store.createOrganization(sampleProfile())
            let directory = LinkDirectory(store: store, settings: Self.patient)
            try await directory.sync()
            // A read of `link` starts before the disable commits...
            let (readAt, record, profile) = try #require(try await store.publicLink(code: link.code))
            #expect(record.isActive)
            try await store.disableLink(code: link.code, in: .everyOrganization)
            try await directory.sync()
            // ...and arrives after the feed's change was applied: keeping it would bring the link back to life.
            directory.remember(record, profile: profile, readAt: readAt)
            #expect(try await directory.resolve(link.code) == .unavailable(.disabled))
        }
    }

    @Test("unknown codes are never kept: a code minted on another instance works at once", arguments: TestEngine.all)
    func unknownCodesAreNotKept(engine: TestEngine) async throws {
        try await withTwoInstances(engine) { here, elsewhere in
            let (organization, _) = try await here.createOrganization(sampleProfile())
            let directory = LinkDirectory(store: here, settings: Self.patient)
            try await directory.sync()
            let code = try LinkCode("oak-street-kids")
            #expect(try await directory.resolve(code) == .unavailable(.notFound))
            _ = try await elsewhere.mintLinks(
                MintRequest(organizationID: organization.id, kind: .chosen(code)))
            #expect(
                try await directory.resolve(code)
                    == .active(
                        PublicLinkRecord(
                            code: code, organizationID: organization.id, isActive: true, qrColors: .standard),
                        profile: organization.profile))
        }
    }

    @Test(
        "a directory whose feed has not been read for staleAfter answers from the database",
        arguments: TestEngine.all)
    func staleDirectoryReadsTheDatabase(engine: TestEngine) async throws {
        try await withTwoInstances(engine) { here, elsewhere in
            let (_, link) = try await here.createOrganization(sampleProfile())
            let directory = LinkDirectory(
                store: here, settings: .init(syncInterval: .seconds(1), staleAfter: .milliseconds(20)))
            try await directory.sync()
            try await elsewhere.disableLink(code: link.code, in: .everyOrganization)
            try await Task.sleep(for: .milliseconds(40))
            #expect(!directory.isCurrent)
            #expect(try await directory.resolve(link.code) == .unavailable(.disabled))
        }
    }

    @Test("a directory with a zero interval keeps nothing and always asks the database", arguments: TestEngine.all)
    func disabledDirectory(engine: TestEngine) async throws {
        try await withTwoInstances(engine) { here, elsewhere in
            let (_, link) = try await here.createOrganization(sampleProfile())
            let directory = LinkDirectory(store: here, settings: .init(syncInterval: .zero))
            try await directory.sync()
            #expect(directory.count == 0)
            #expect(try await directory.resolve(link.code) != .unavailable(.disabled))
            try await elsewhere.disableLink(code: link.code, in: .everyOrganization)
            #expect(try await directory.resolve(link.code) == .unavailable(.disabled))
            #expect(directory.count == 0)
        }
    }

    @Test("capacity bounds the links held; links beyond it are read on demand", arguments: TestEngine.all)
    func capacityBoundsMemory(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ async throws in
            let (organization, _) = try await store.createOrganization(sampleProfile())
            let links = try await store.mintLinks(MintRequest(organizationID: organization.id), count: 9)
            let directory = LinkDirectory(store: store, settings: .init(capacity: 4))
            try await directory.sync()
            #expect(directory.count == 4)
            for link in links {
                #expect(
                    try await directory.resolve(link.code)
                        == .active(
                            PublicLinkRecord(
                                code: link.code, organizationID: organization.id, isActive: true, qrColors: .standard),
                            profile: organization.profile))
                #expect(directory.count <= 4)
            }
        }
    }

    @Test(
        "QR colors: set by the owning organization only, refused when unreadable, followed by the directory",
        arguments: TestEngine.all)
    func qrColors(engine: TestEngine) async throws {
        try await withTwoInstances(engine) { here, elsewhere in
            let (organization, link) = try await here.createOrganization(sampleProfile())
            let (other, _) = try await here.createOrganization(sampleProfile("Riverbend Clinic"))
            let directory = LinkDirectory(store: here, settings: Self.patient)
            try await directory.sync()
            guard case .active(let before, _) = try await directory.resolve(link.code) else {
                Issue.record("the link should resolve")
                return
            }
            #expect(before.qrColors == .standard)

            let green = try QRColors(foreground: "1A4D2E", background: "#FFFFFF")
            #expect(green == (try QRColors(foreground: "#1a4d2e", background: "#ffffff")))
            await #expect(throws: StoreError.linkNotFound) {
                try await elsewhere.setQRColors(green, code: link.code, in: .only(other.id))
            }
            #expect(try await elsewhere.link(code: link.code)?.qrColors == .standard)
            let updated = try await elsewhere.setQRColors(green, code: link.code, in: .only(organization.id))
            #expect(updated.qrColors == green)
            #expect(try await here.link(code: link.code)?.qrColors == green)
            try await directory.sync()
            guard case .active(let after, _) = try await directory.resolve(link.code) else {
                Issue.record("the link should still resolve")
                return
            }
            #expect(after.qrColors == green)
            try await here.setQRColors(.standard, code: link.code, in: .everyOrganization)
            #expect(try await here.link(code: link.code)?.qrColors == .standard)
        }
    }

    @Test("concurrent changes get one generation each, in commit order, none lost", arguments: TestEngine.all)
    func concurrentChanges(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ async throws in
            let (organization, _) = try await store.createOrganization(sampleProfile())
            let links = try await store.mintLinks(MintRequest(organizationID: organization.id), count: 20)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for link in links {
                    group.addTask { _ = try await store.disableLink(code: link.code, in: .everyOrganization) }
                }
                try await group.waitForAll()
            }
            let changes = try await store.linkChanges(after: 0)
            #expect(changes.map(\.generation) == Array(1...20))
            #expect(Set(changes.compactMap(\.code)) == Set(links.map(\.code)))
            // Read in pages, the feed gives the same changes.
            let firstPage = try await store.linkChanges(after: 0, limit: 7)
            let rest = try await store.linkChanges(after: try #require(firstPage.last).generation)
            #expect(firstPage + rest == changes)
            #expect(try await store.pruneLinkChanges(olderThan: Date().addingTimeInterval(60)) == 20)
            #expect(try await store.linkChanges(after: 0).isEmpty)
        }
    }

    @Test("the compact table gives back every record: numeric codes at both ends, vanity, colors, disabled links")
    func compactTableRoundTrip() throws {
        let colors = try QRColors(foreground: "#1a4d2e", background: "#f5f0e6")
        let records = try [
            ("100000", 1, true, QRColors.standard), ("9999999999", 2, false, .standard), ("48271639", 3, true, colors),
            ("oak-street-pediatrics", 1, true, colors), ("elan-pediatrie-2", 4_000_000, false, .standard),
            ("1234567", 3, true, .standard),
        ].map { code, organization, isActive, qrColors in
            PublicLinkRecord(
                code: try LinkCode(code), organizationID: OrganizationID(rawValue: Int64(organization)),
                isActive: isActive, qrColors: qrColors)
        }
        var table = LinkTable(reservingCapacity: 8)
        for record in records { table.insert(record) }
        #expect(table.count == records.count)
        for record in records {
            #expect(
                table[record.code]
                    == LinkTable.Entry(
                        organizationID: record.organizationID, isActive: record.isActive, qrColors: record.qrColors))
        }
        #expect(table[try LinkCode("123456")] == nil)
        #expect(table[try LinkCode("oak-street")] == nil)
        let removedNumeric = table.remove(try LinkCode("9999999999"))
        let removedVanity = table.remove(try LinkCode("oak-street-pediatrics"))
        let removedAgain = table.remove(try LinkCode("9999999999"))
        #expect(removedNumeric && removedVanity && !removedAgain)
        #expect(table.count == records.count - 2)
        table.insert(
            PublicLinkRecord(
                code: records[0].code, organizationID: records[0].organizationID,
                isActive: false, qrColors: colors))
        #expect(table[records[0].code]?.isActive == false && table[records[0].code]?.qrColors == colors)
        table.removeAny()
        #expect(table.count == records.count - 3)
    }

    @Test(
        "a loaded directory answers for vanity codes, colored and disabled links as the database does",
        arguments: TestEngine.all)
    func loadKeepsEveryKind(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ async throws in
            let (organization, primary) = try await store.createOrganization(sampleProfile())
            let vanity = try await store.mintLinks(MintRequest(organizationID: organization.id, kind: .vanityFromName))[
                0]
            let colors = try QRColors(foreground: "#1a4d2e", background: "#f5f0e6")
            try await store.setQRColors(colors, code: vanity.code, in: .everyOrganization)
            let numbers = try await store.mintLinks(MintRequest(organizationID: organization.id), count: 50)
            try await store.disableLink(code: numbers[7].code, in: .everyOrganization)
            let directory = LinkDirectory(store: store, settings: Self.patient)
            try await directory.sync()
            #expect(directory.count == 52)
            #expect(
                directory.cached(vanity.code)
                    == .active(
                        PublicLinkRecord(
                            code: vanity.code, organizationID: organization.id, isActive: true, qrColors: colors),
                        profile: organization.profile))
            #expect(directory.cached(numbers[7].code) == .unavailable(.disabled))
            #expect(
                directory.cached(primary.code)
                    == .active(
                        PublicLinkRecord(
                            code: primary.code, organizationID: organization.id, isActive: true, qrColors: .standard),
                        profile: organization.profile))
            #expect(directory.cached(try LinkCode("10000001")) == nil)
        }
    }

    @Test(
        "a load over many id ranges holds what the database says of every link, and stops at capacity",
        arguments: TestEngine.all)
    func loadAcrossRanges(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ async throws in
            let (first, _) = try await store.createOrganization(sampleProfile())
            let (second, _) = try await store.createOrganization(ClinicProfile(displayName: "Maple Clinic"))
            var codes: [LinkCode] = []
            for round in 0..<4 {
                for organization in [first, second] {
                    codes += try await store.mintLinks(MintRequest(organizationID: organization.id), count: 5)
                        .map(\.code)
                    codes += try await store.mintLinks(
                        MintRequest(organizationID: organization.id, kind: .numeric(length: 6 + round * 1)), count: 2
                    ).map(\.code)
                }
                codes.append(
                    try await store.mintLinks(MintRequest(organizationID: second.id, kind: .vanityFromName))[0].code)
            }
            let colors = try QRColors(foreground: "#1a4d2e", background: "#f5f0e6")
            try await store.setQRColors(colors, code: codes[3], in: .everyOrganization)
            try await store.setQRColors(colors, code: codes[20], in: .everyOrganization)
            for index in [0, 9, 17, 30] { try await store.disableLink(code: codes[index], in: .everyOrganization) }
            let expected = try await store.linkDirectorySnapshot(limit: 10_000).links
            #expect(expected.count == codes.count + 2)

            var settings = Self.patient
            settings.loadRange = 3
            let directory = LinkDirectory(store: store, settings: settings)
            try await directory.sync()
            #expect(directory.count == expected.count)
            for record in expected {
                let profile = record.organizationID == first.id ? first.profile : second.profile
                let answer = directory.cached(record.code)
                if record.isActive {
                    #expect(answer == .active(record, profile: profile), "\(record.code)")
                } else {
                    #expect(answer == .unavailable(.disabled), "\(record.code)")
                }
            }

            settings.capacity = 11
            let bounded = LinkDirectory(store: store, settings: settings)
            try await bounded.sync()
            #expect(bounded.count == 11)
            let held = expected.filter { bounded.cached($0.code) != nil }
            #expect(held.count == 11)
        }
    }

    @Test(
        "the joined texts of a range pair codes with owners; anything else is a corrupt row",
        arguments: [
            ("", "", 0, 0),
            ("1234567,oak-street", "6,7", 1, 1),
            ("9999999999,100000", "536870911,3", 2, 0),
            ("1234567", "1073741825", 0, 1),
        ])
    func packedRanges(codes: String, owners: String, packed: Int, records: Int) throws {
        let (values, others) = try PackedLink.parse(codes: codes, owners: owners)
        #expect(values.count == packed && others.count == records)
        if codes.hasPrefix("1234567,") {
            #expect(PackedLink.number(values[0]) == 1_234_567 && PackedLink.organization(values[0]) == 3)
            #expect(!PackedLink.isActive(values[0]))
            #expect(others[0].code.rawValue == "oak-street" && others[0].organizationID.rawValue == 3)
            #expect(others[0].isActive && others[0].qrColors == .standard)
        }
        if codes.hasPrefix("9999999999") {
            #expect(PackedLink.number(values[0]) == 9_999_999_999 && PackedLink.organization(values[0]) == 268_435_455)
            #expect(PackedLink.isActive(values[0]) && PackedLink.number(values[1]) == 100_000)
        }
    }

    @Test(
        "corrupt joined texts are refused",
        arguments: [
            ("1234567,7654321", "2"), ("1234567", "2,4"), ("1234567", "x"), ("0123456", "2"), ("12345", "2"),
            ("1234567,,7654321", "2,2,2"), ("", "2"), ("1234567", ""), ("1234567", "99999999999999999999"),
        ])
    func corruptRanges(codes: String, owners: String) {
        #expect(throws: StoreError.self) { try PackedLink.parse(codes: codes, owners: owners) }
    }
}
