import Foundation
import Testing

/// `sprucelink seed / org / link / resolve` run as processes on a database file in a temp folder.
@Suite("sprucelink links, orgs and resolve")
struct LinkCLITests {
    /// A seeded database in a fresh folder, and a runner bound to it.
    struct Seeded {
        let folder: URL
        var database: String { folder.appendingPathComponent("test.sqlite").path }

        func run(_ arguments: [String]) async throws -> QRCLI.Result {
            try await QRCLI.sprucelink(arguments + ["--database", database], in: folder)
        }
    }

    /// A database seeded once per test run; every test works on its own copy, so tests stay independent
    /// without paying for six scrypt hashes each. A task, so that tests wait for it off the cooperative pool.
    static let template = Task<URL, any Error> {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "sprucelink-seed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let seeded = Seeded(folder: folder)
        let fixtures = QRCLI.packageRoot.appendingPathComponent("Fixtures/clinics.json").path
        let seed = try await seeded.run(["seed", "--fixtures", fixtures])
        guard seed.status == 0, seed.stdoutText.contains("Seeded 5 organizations, 9 links and 6 staff members") else {
            throw QRCLI.CLIError(description: "seeding failed: \(seed.stdoutText) \(seed.stderr)")
        }
        return URL(fileURLWithPath: seeded.database)
    }

    static func withSeeded<T>(_ body: (Seeded) async throws -> T) async throws -> T {
        let template = try await Self.template.value
        return try await QRCLI.withTemporaryDirectory { folder in
            let seeded = Seeded(folder: folder)
            // The store checkpoints and closes after each command, so the main file holds everything.
            try FileManager.default.copyItem(atPath: template.path, toPath: seeded.database)
            return try await body(seeded)
        }
    }

    @Test("seed is idempotent; resolve prints the profile for any accepted spelling")
    func seedAndResolve() async throws {
        try await Self.withSeeded { seeded in
            let again = try await seeded.run([
                "seed", "--fixtures", QRCLI.packageRoot.appendingPathComponent("Fixtures/clinics.json").path,
            ])
            #expect(
                again.stdoutText.contains(
                    "Seeded 0 organizations, 0 links and 0 staff members (5 organizations already present)"))
            let resolved = try await seeded.run(["resolve", "HTTPS://WWW.Spruce.Care/4827163/?utm_source=flyer"])
            #expect(resolved.status == 0)
            #expect(resolved.stdoutText.hasPrefix("Oak Street Pediatrics  [OS]"))
            #expect(resolved.stdoutText.contains("Link: https://spruce.care/4827163"))
            let json = try await seeded.run(["resolve", "spruce.app/OAK-STREET-PEDIATRICS#qr", "--json"])
            let object = try JSONSerialization.jsonObject(with: json.stdout) as? [String: Any]
            #expect(object?["outcome"] as? String == "found")
            #expect((object?["attribution"] as? [String: Any])?["fragment"] as? String == "qr")
            let profile = object?["profile"] as? [String: Any]
            #expect(
                Set(profile?.keys.map { $0 } ?? []) == [
                    "acceptsNewPatients", "address", "displayName", "hours", "kind", "monogram", "phone", "specialty",
                    "summary", "website",
                ])
        }
    }

    /// (arguments, exit status, what stderr must say)
    static let resolveFailureCases: [([String], Int32, String)] = [
        (["resolve", "https://spruce.care/1234567"], 3, "No practice uses this link"),
        (["resolve", "https://spruce.care/7718204"], 4, "This link is no longer active."),
        (["resolve", "https://spruce.care@evil.example/1"], 8, "not a Spruce link: user info is not allowed"),
        (["resolve", "https://evil.example/4827163"], 8, "not a Spruce link: foreign host \"evil.example\""),
        (["resolve", "javascript:alert(1)"], 8, "not a Spruce link: scheme \"javascript\" is not allowed"),
        (["resolve", "https://spruce.care/4827163/x"], 8, "not a Spruce link: extra path segment \"x\""),
        (["resolve", "https://spruce.care/"], 8, "not a Spruce link: code is empty"),
        (["resolve", "https://spruce.care/i/22222222222222222222222222"], 3, "No practice uses this link"),
    ]

    @Test("resolve exits with a distinct status per outcome and one line on stderr", arguments: resolveFailureCases)
    func resolveFailures(arguments: [String], status: Int32, message: String) async throws {
        try await Self.withSeeded { seeded in
            let result = try await seeded.run(arguments)
            #expect(result.status == status)
            #expect(result.stderrLines.count == 1)
            #expect(result.stderr.contains(message), "\(result.stderr)")
        }
    }

    @Test("org create, list and show; link mint, list and disable")
    func orgsAndLinks() async throws {
        try await Self.withSeeded { seeded in
            let created = try await seeded.run([
                "org", "create", "--name", "Élan Pédiatrie", "--kind", "clinic", "--specialty", "Pediatrics",
                "--website", "https://elan.example", "--json",
            ])
            #expect(created.status == 0, "\(created.stderr)")
            let object = try JSONSerialization.jsonObject(with: created.stdout) as? [String: Any]
            #expect(object?["id"] as? Int == 6)
            #expect((object?["profile"] as? [String: Any])?["monogram"] as? String == "ÉP")
            await #expect(try seeded.run(["org", "list"]).stdoutText.split(separator: "\n").count == 6)
            let vanity = try await seeded.run(["link", "mint", "--org", "6", "--vanity"])
            #expect(vanity.stdoutText == "elan-pediatrie\n")
            let minted = try await seeded.run([
                "link", "mint", "--org", "6", "--count", "25", "--tag", "Referral", "--label", "Fax",
            ])
            let codes = minted.stdoutText.split(separator: "\n")
            #expect(codes.count == 25 && Set(codes).count == 25)
            #expect(codes.allSatisfy { $0.count == 8 && $0.allSatisfy(\.isNumber) && $0.first != "0" })
            let listed = try await seeded.run(["link", "list", "--org", "6", "--json"])
            let links = try JSONSerialization.jsonObject(with: listed.stdout) as? [[String: Any]]
            #expect(links?.count == 27)
            #expect(links?.first?["primary"] as? Bool == true)
            // The API's Link shape, QR colors included.
            #expect(
                Set(links?.first?.keys.map { $0 } ?? []) == [
                    "code", "url", "label", "tags", "status", "primary", "createdAt", "qrColors",
                ])
            #expect((links?.first?["qrColors"] as? [String: String])?["foreground"] == "#000000")
            let colored = try await seeded.run(["link", "colors", "ELAN-PEDIATRIE", "--foreground", "1A4D2E"])
            #expect(colored.status == 0)
            #expect(colored.stdoutText == "QR code of https://spruce.care/elan-pediatrie: #1a4d2e on #ffffff\n")
            let disabled = try await seeded.run(["link", "disable", "elan-pediatrie"])
            #expect(disabled.status == 0)
            await #expect(try seeded.run(["resolve", "spruce.care/elan-pediatrie"]).status == 4)
            let shown = try await seeded.run(["org", "show", "6"])
            #expect(shown.stdoutText.contains("https://spruce.care/elan-pediatrie  disabled"))
        }
    }

    /// Bad inputs: (arguments, exit status, stderr fragment). Nothing may be written by any of them.
    static let badInputCases: [([String], Int32, String)] = [
        (["org", "create", "--name", ""], 64, "--name: name is empty"),
        (
            ["org", "create", "--name", "X", "--website", "oak.example"], 64,
            "--website: website must start with https://"
        ),
        (["org", "create", "--name", String(repeating: "n", count: 121)], 64, "--name: name is longer than 120"),
        (["org", "create", "--name", "X", "--kind", "hospital"], 64, "--kind"),
        (["org", "show", "99"], 1, "no organization with id 99"),
        (["link", "mint", "--org", "99"], 1, "no organization with id 99"),
        (["link", "mint", "--org", "1", "--count", "0"], 64, "--count must be between 1 and 1000000"),
        (["link", "mint", "--org", "1", "--length", "5"], 64, "--length must be between 6 and 10"),
        (["link", "mint", "--org", "1", "--tag", "bad tag"], 64, "--tag: tag may hold only a-z, 0-9, - and _"),
        (["link", "mint", "--org", "1", "--vanity", "api"], 64, "vanity code: code is a reserved word"),
        (["link", "mint", "--org", "1", "--vanity", "oak-street-pediatrics"], 1, "that code is already taken"),
        (
            ["link", "mint", "--org", "1", "--vanity", "--count", "2"], 64,
            "--count: a vanity code is minted one at a time"
        ),
        (["link", "mint", "--org", "1", "slug"], 64, "a code argument needs --vanity"),
        (["link", "disable", "ab"], 64, "code: vanity code is shorter than 3 characters"),
        (["link", "disable", "1234567"], 1, "no link with that code"),
        (
            ["link", "colors", "4827163", "--foreground", "#ffffff", "--background", "#000000"], 64,
            "--foreground: must be darker than the background"
        ),
        (["link", "colors", "4827163", "--foreground", "red"], 64, "--foreground: must be a color written #rrggbb"),
        (["link", "colors", "4827163", "--foreground", "#888888"], 64, "--foreground: has a contrast of 3.5:1"),
        (["link", "colors", "1234567", "--foreground", "#1a4d2e"], 1, "no link with that code"),
        (["connect", "--as", "someone", "4827163"], 64, "--as must be member:EMAIL, patient:EMAIL or anonymous"),
        (["connect", "--as", "member:nobody@example.com", "4827163"], 64, "--as: no member nobody@example.com"),
        (["connect", "--as", "anonymous", "https://evil.example/1"], 64, "link: foreign host"),
        (["inbox", "--as", "anonymous"], 64, "--as: an inbox belongs to a member or a patient"),
        (
            ["inbox", "--as", "member:maya.chen@oakstreetpeds.example", "--limit", "0"], 64,
            "--limit must be between 1 and 100"
        ),
        (
            ["message", "--as", "member:maya.chen@oakstreetpeds.example", "--conversation", "1", " "], 1,
            "message is empty"
        ),
        (["signup", "--name", "X", "--email", "not-an-email"], 64, "email \"not-an-email\" has no @"),
        (
            ["member", "add", "--org", "1", "--name", "X", "--email", "maya.chen@oakstreetpeds.example"], 1,
            "an account with this email already exists"
        ),
        (["member", "role", "nobody@example.com", "admin"], 64, "nobody@example.com: no member with that id or email"),
        (
            ["member", "role", "maya.chen@oakstreetpeds.example", "staff"], 64,
            "an organization keeps at least one admin"
        ),
        (["member", "role", "maya.chen@oakstreetpeds.example", "owner"], 64, "'owner' is invalid"),
        (
            ["member", "add", "--org", "1", "--name", "X", "--email", "x@oak.example", "--role", "boss"], 64,
            "'boss' is invalid"
        ),
    ]

    @Test("member add --role and member role: the front desk becomes an admin, then Maya can step down")
    func memberRoles() async throws {
        try await Self.withSeeded { seeded in
            let added = try await seeded.run([
                "member", "add", "--org", "1", "--name", "Nurse Kim", "--email", "kim@oak.example", "--role", "admin",
            ])
            #expect(added.status == 0, "\(added.stderr)")
            #expect(added.stdoutText.contains("<kim@oak.example> (admin)"))
            let promoted = try await seeded.run(["member", "role", "front.desk@oakstreetpeds.example", "admin"])
            #expect(promoted.status == 0, "\(promoted.stderr)")
            #expect(promoted.stdoutText.contains("is now admin"))
            let stepped = try await seeded.run(["member", "role", "maya.chen@oakstreetpeds.example", "staff"])
            #expect(stepped.stdoutText.contains("is now staff"), "\(stepped.stderr)")
        }
    }

    @Test("bad inputs exit non-zero with one line naming the rule, and change nothing", arguments: badInputCases)
    func badInputs(arguments: [String], status: Int32, message: String) async throws {
        try await Self.withSeeded { seeded in
            let before = try await seeded.run(["org", "show", "1", "--json"]).stdout
            let result = try await seeded.run(arguments)
            #expect(result.status == status, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            #expect(
                result.stderrLines.count == 1 || status == 64 && result.stderr.contains("Usage:"), "\(result.stderr)")
            await #expect(try seeded.run(["org", "show", "1", "--json"]).stdout == before)
            await #expect(try seeded.run(["org", "list"]).stdoutText.split(separator: "\n").count == 5)
        }
    }

    @Test("the seed scenario from the CLI: clinic connect, patient signup, inbox, group, messages")
    func seedScenario() async throws {
        try await Self.withSeeded { seeded in
            let lumen = "member:priya.raman@lumenderm.example"
            let oak = "member:maya.chen@oakstreetpeds.example"
            let prompt = try await seeded.run(["connect", "--as", lumen, "https://spruce.care/4827163"])
            #expect(prompt.stdoutText.hasPrefix("Connect with Oak Street Pediatrics?"))
            await #expect(
                try seeded.run(["connect", "--as", lumen, "4827163", "--decline"]).stdoutText
                    == "Not now: nothing was created.\n")
            await #expect(
                try seeded.run(["connect", "--as", lumen, "4827163", "--confirm"]).stdoutText
                    == "Clinics connected: new clinic conversation 1.\n")
            await #expect(
                try seeded.run(["connect", "--as", lumen, "4827163", "--confirm"]).stdoutText
                    == "Clinics already connected: conversation 1.\n")
            let signup = try await seeded.run([
                "signup", "--link", "HTTPS://WWW.Spruce.Care/5093318/?utm_source=flyer", "--name", "Ana Souza",
                "--email", "ana@example.com",
            ])
            #expect(signup.stdoutText.contains("Connected: new secure conversation 2."), "\(signup.stderr)")
            let inbox = try await seeded.run(["inbox", "--as", oak, "--alerts"]).stdoutText
            #expect(inbox.contains("#2 👤 Ana Souza  [campaign-fall-2026, flu-shot]"))
            #expect(inbox.contains("#1 💼 Lumen Dermatology"))
            #expect(inbox.contains("Lumen Dermatology connected with your clinic on Spruce"))
            let quiet = try await seeded.run(["inbox", "--as", "member:front.desk@oakstreetpeds.example", "--alerts"])
                .stdoutText
            #expect(quiet.hasSuffix("Alerts\n"))
            await #expect(
                try seeded.run(["inbox", "--as", lumen, "--clinics"]).stdoutText.contains("#1 💼 Oak Street Pediatrics"))
            await #expect(
                try seeded.run(["group", "--as", oak, "--clinic", "3", "--patient", "ana@example.com"]).stdoutText
                    == "Started group conversation 3\n")
            await #expect(
                try seeded.run(["message", "--as", "patient:ana@example.com", "--conversation", "2", "Hi!"]).status == 0
            )
            let forbidden = try await seeded.run(["message", "--as", lumen, "--conversation", "2", "peek"])
            #expect(forbidden.status == 1)
            #expect(forbidden.stderr.contains("no such conversation"))
            let patientView = try await seeded.run(["inbox", "--as", "patient:ana@example.com"]).stdoutText
            #expect(patientView.contains("#2 👤 Oak Street Pediatrics  [campaign-fall-2026, flu-shot]  — Hi!"))
            #expect(patientView.contains("#3 👥 Lumen Dermatology · Oak Street Pediatrics"))
            await #expect(
                try seeded.run(["connect", "--as", oak, "oak-street-pediatrics"]).stdoutText
                    == "This is your own practice link: nothing was created.\n")
        }
    }
}

/// `sprucelink migrate`, `export` and `import` as processes, SQLite to SQLite and, under make test, to PostgreSQL.
@Suite("sprucelink migrate, export and import")
struct TransferCLITests {
    @Test("migrate --dry-run lists pending migrations without applying them; migrate applies them")
    func migrate() async throws {
        try await QRCLI.withTemporaryDirectory { folder in
            let database = folder.appendingPathComponent("m.sqlite").path
            let dry = try await QRCLI.sprucelink(["migrate", "--dry-run", "--database", database])
            #expect(dry.stdoutText.split(separator: "\n").allSatisfy { $0.hasPrefix("pending") })
            let applied = try await QRCLI.sprucelink(["migrate", "--database", database])
            #expect(applied.stdoutText.split(separator: "\n").allSatisfy { $0.hasPrefix("applied now") })
            let again = try await QRCLI.sprucelink(["migrate", "--dry-run", "--database", database])
            #expect(again.stdoutText.split(separator: "\n").allSatisfy { $0.hasPrefix("applied ") })
        }
    }

    @Test("export from a seeded database, import elsewhere: same resolve answers; a second import is refused")
    func exportImport() async throws {
        try await LinkCLITests.withSeeded { seeded in
            let dump = try await seeded.run(["export"])
            #expect(dump.status == 0)
            #expect(dump.stderr.contains("exported"))
            let dumpFile = seeded.folder.appendingPathComponent("dump.jsonl")
            try dump.stdout.write(to: dumpFile)
            var targets = [seeded.folder.appendingPathComponent("copy.sqlite").path]
            if let url = ProcessInfo.processInfo.environment["SPRUCELINK_TEST_POSTGRES_URL"] {
                targets.append(url)
            }
            for target in targets {
                let imported = try await QRCLI.run(
                    "/bin/sh",
                    [
                        "-c", "\"$0\" import --database \"$1\" < \"$2\"",
                        try QRCLI.binary(), target, dumpFile.path,
                    ])
                #expect(imported.status == 0, "\(imported.stderr)")
                #expect(imported.stdoutText.hasSuffix("count check passed\n"))
                for code in ["4827163", "oak-street-pediatrics", "7718204"] {
                    let original = try await seeded.run(["resolve", code, "--json"])
                    let copy = try await QRCLI.sprucelink(["resolve", code, "--json", "--database", target])
                    #expect(original.stdout == copy.stdout)
                    #expect(original.status == copy.status)
                }
                let again = try await QRCLI.run(
                    "/bin/sh",
                    [
                        "-c", "\"$0\" import --database \"$1\" < \"$2\"",
                        try QRCLI.binary(), target, dumpFile.path,
                    ])
                #expect(again.status == 64)
                #expect(
                    again.stderr
                        == "Error: the target database is not empty (organizations has rows); use --merge to add to it\n"
                )
            }
        }
    }
}
