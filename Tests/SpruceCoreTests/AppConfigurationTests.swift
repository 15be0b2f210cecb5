import Foundation
import SpruceCore
import Testing

@Suite("App configuration and association files")
struct AppConfigurationTests {
    static let fingerprint = (0..<32).map { String(format: "%02X", ($0 * 7 + 3) & 0xFF) }.joined(separator: ":")

    @Test("a fingerprint is normalized to AA:BB:… from either form, any case")
    func fingerprints() throws {
        let plain = Self.fingerprint.replacingOccurrences(of: ":", with: "").lowercased()
        #expect(AppConfiguration.normalizedFingerprint(plain) == Self.fingerprint)
        #expect(AppConfiguration.normalizedFingerprint(Self.fingerprint.lowercased()) == Self.fingerprint)
        #expect(AppConfiguration.normalizedFingerprint(String(plain.dropLast(2))) == nil)
        #expect(AppConfiguration.normalizedFingerprint(plain.replacingOccurrences(of: "0", with: "g")) == nil)
        #expect(AppConfiguration.normalizedFingerprint("A:" + String(Self.fingerprint.dropFirst(1))) == nil)
    }

    @Test(
        "bad settings are refused naming the option and the rule",
        arguments: [
            (["team.app"], [], [], "https://apps.apple.com/app/id1", nil, "--ios-app-id: \"team.app\" must be TEAMID"),
            ([], ["care"], [fingerprint], nil, nil, "--android-package: \"care\" must be a Java package name"),
            ([], ["care.spruce"], ["AB"], nil, nil, "--android-cert-sha256: \"AB\" must be a SHA-256 fingerprint"),
            ([], ["care.spruce"], [], nil, nil, "--android-cert-sha256: is required with --android-package"),
            ([], ["a.b", "c.d"], [fingerprint], nil, nil, "--android-cert-sha256: give one per --android-package"),
            (["A1B2C3D4E5.care.spruce"], [], [], nil, nil, "--app-store-url: is required with --ios-app-id"),
            (["A1B2C3D4E5.care.spruce"], [], [], "http://x.test", nil, "--app-store-url: \"http://x.test\" must be"),
            ([], [], [], nil, "https://play.test", "--play-store-url: needs --android-package"),
        ] as [([String], [String], [String], String?, String?, String)])
    func badSettings(
        ios: [String], packages: [String], prints: [String], appStore: String?, play: String?, message: String
    ) {
        #expect {
            _ = try AppConfiguration.parse(
                iOSAppIDs: ios, androidPackages: packages, androidFingerprints: prints, appStoreURL: appStore,
                playStoreURL: play)
        } throws: { error in
            (error as? AppConfigurationError)?.description.hasPrefix(message) == true
        }
    }

    @Test("the Play Store URL defaults to the package's page and carries the handoff token in its referrer")
    func playStoreReferrer() throws {
        let app = try AppConfiguration.parse(
            iOSAppIDs: [], androidPackages: ["care.spruce.app"], androidFingerprints: [Self.fingerprint],
            appStoreURL: nil, playStoreURL: nil)
        let token = HandoffToken.generate()
        #expect(
            app.playStoreURL(carrying: token)
                == "https://play.google.com/store/apps/details?id=care.spruce.app&referrer=spruce_handoff%3D"
                + token.rawValue)
    }

    @Test(
        "the user agent picks the platform",
        arguments: [
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
                DevicePlatform.iOS
            ),
            ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/124.0 Mobile Safari/537.36", .android),
            ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36", .other),
            ("", .other),
        ])
    func platforms(userAgent: String, platform: DevicePlatform) {
        #expect(DevicePlatform(userAgent: userAgent) == platform)
    }

    @Test("the app opens practice links, invitations and handoffs, and no reserved route")
    func components() throws {
        let association = AppSiteAssociation(
            configuration: AppConfiguration(iOSAppIDs: ["A1B2C3D4E5.care.spruce"], appStoreURL: "https://a.test"))
        for path in ["/4827163", "/oak-street-pediatrics", "/i/abcdefghjkmnpqrstuvwxyz234", "/h/abc"] {
            #expect(association.opensApp(path: path), "\(path)")
        }
        var closed = ["/", "/4827163/qr.png", "/4827163/connect", "/i/abc/connect", "/h/abc/app"]
        closed += ReservedWords.all.filter { $0 != "i" && $0 != "h" }.flatMap { ["/\($0)", "/\($0)/x/y"] }
        for path in closed { #expect(!association.opensApp(path: path), "\(path)") }
    }

    @Test("connect codes: typed any way, shown as XXXX-XXXX, refused outside the alphabet")
    func connectCodes() throws {
        let code = ConnectCode.generate()
        #expect(code.formatted.count == 9 && code.formatted.dropFirst(4).first == "-")
        #expect(try ConnectCode(code.formatted.lowercased()) == code)
        #expect(try ConnectCode(" " + code.rawValue.prefix(4) + " " + code.rawValue.suffix(4)) == code)
        for bad in ["K7QX-M4P", "K7QX-M4PO", "K7QX-M4P1", "K7QX-M4PTT", String(repeating: "A", count: 40)] {
            #expect(throws: HandoffSecretError.malformedCode) { try ConnectCode(bad) }
        }
        #expect(!"\(code)".contains(code.rawValue))
        let token = InvitationToken.generate()
        #expect(ConnectCode.derived(from: token) == ConnectCode.derived(from: token))
        #expect(ConnectCode.derived(from: token) != ConnectCode.derived(from: InvitationToken.generate()))
        #expect(try HandoffToken(HandoffToken.generate().rawValue).rawValue.count == 22)
        #expect(throws: HandoffSecretError.malformedToken) { try HandoffToken("short") }
    }
}
