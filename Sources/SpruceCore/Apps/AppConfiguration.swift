import Foundation

/// The practice-facing app the service hands visitors to: its iOS app IDs and Android packages (with their signing
/// certificates' fingerprints), and the store pages to install it from. Empty means no app: no association files,
/// and the profile pages stay browser-only.
public struct AppConfiguration: Equatable, Sendable {
    /// One Android package and the SHA-256 fingerprints of the certificates it is signed with.
    public struct AndroidApp: Equatable, Sendable {
        public let packageName: String
        /// `AA:BB:…`, 32 uppercase hex bytes joined by colons.
        public let fingerprints: [String]

        public init(packageName: String, fingerprints: [String]) {
            self.packageName = packageName
            self.fingerprints = fingerprints
        }
    }

    /// `TEAMID.bundle.id`, e.g. `A1B2C3D4E5.care.spruce.app`.
    public var iOSAppIDs: [String]
    public var androidApps: [AndroidApp]
    /// The App Store page of the app (https).
    public var appStoreURL: String?
    /// The Play Store page of the app (https); the handoff's `referrer` is appended to it.
    public var playStoreURL: String?

    public init(
        iOSAppIDs: [String] = [], androidApps: [AndroidApp] = [], appStoreURL: String? = nil,
        playStoreURL: String? = nil
    ) {
        self.iOSAppIDs = iOSAppIDs
        self.androidApps = androidApps
        self.appStoreURL = appStoreURL
        self.playStoreURL = playStoreURL
    }

    /// No app configured.
    public static let none = AppConfiguration()

    public var hasIOSApp: Bool { !iOSAppIDs.isEmpty }
    public var hasAndroidApp: Bool { !androidApps.isEmpty }
    public var isConfigured: Bool { hasIOSApp || hasAndroidApp }

    /// Whether visitors on `platform` are offered the app.
    public func offersApp(on platform: DevicePlatform) -> Bool {
        switch platform {
        case .iOS: hasIOSApp
        case .android: hasAndroidApp
        case .other: false
        }
    }

    /// The Play Store URL that carries `token` to the app through the Install Referrer API:
    /// `…&referrer=spruce_handoff%3D<token>`.
    public func playStoreURL(carrying token: HandoffToken) -> String? {
        guard let playStoreURL else { return nil }
        let separator = playStoreURL.contains("?") ? "&" : "?"
        return playStoreURL + separator + "referrer=" + HandoffToken.referrerKey + "%3D" + token.rawValue
    }

    /// Builds a configuration from the command line's values, checking each.
    /// - Parameters:
    ///   - androidPackages: package names; with one, every fingerprint is its (a key rotation); with several,
    ///     fingerprints pair with packages in order, one each.
    /// - Throws: ``AppConfigurationError`` naming the option and the rule.
    public static func parse(
        iOSAppIDs: [String],
        androidPackages: [String],
        androidFingerprints: [String],
        appStoreURL: String?,
        playStoreURL: String?
    ) throws(AppConfigurationError) -> AppConfiguration {
        for id in iOSAppIDs where !isAppID(id) {
            throw AppConfigurationError(
                option: "--ios-app-id",
                rule: "\"\(id)\" must be TEAMID.bundle.id: a 10-character team ID of A-Z and 0-9, a dot, a bundle ID")
        }
        for name in androidPackages where !isPackageName(name) {
            throw AppConfigurationError(
                option: "--android-package",
                rule: "\"\(name)\" must be a Java package name such as care.spruce.app (two or more dotted parts)")
        }
        var fingerprints: [String] = []
        for text in androidFingerprints {
            guard let fingerprint = normalizedFingerprint(text) else {
                throw AppConfigurationError(
                    option: "--android-cert-sha256",
                    rule: "\"\(text)\" must be a SHA-256 fingerprint: 32 hex bytes, as AA:BB:… or 64 hex digits")
            }
            fingerprints.append(fingerprint)
        }
        var apps: [AndroidApp] = []
        if androidPackages.count == 1 {
            guard !fingerprints.isEmpty else {
                throw AppConfigurationError(
                    option: "--android-cert-sha256", rule: "is required with --android-package")
            }
            apps = [AndroidApp(packageName: androidPackages[0], fingerprints: fingerprints)]
        } else if androidPackages.count > 1 {
            guard fingerprints.count == androidPackages.count else {
                throw AppConfigurationError(
                    option: "--android-cert-sha256",
                    rule: "give one per --android-package when there are several (\(androidPackages.count) packages,"
                        + " \(fingerprints.count) fingerprints)")
            }
            apps = zip(androidPackages, fingerprints).map { AndroidApp(packageName: $0, fingerprints: [$1]) }
        } else if !fingerprints.isEmpty {
            throw AppConfigurationError(option: "--android-cert-sha256", rule: "needs --android-package")
        }
        for (option, url) in [("--app-store-url", appStoreURL), ("--play-store-url", playStoreURL)] {
            if let url, !isStoreURL(url) {
                throw AppConfigurationError(
                    option: option, rule: "\"\(url)\" must be an https URL without a fragment, at most 512 characters")
            }
        }
        if !iOSAppIDs.isEmpty, appStoreURL == nil {
            throw AppConfigurationError(option: "--app-store-url", rule: "is required with --ios-app-id")
        }
        if iOSAppIDs.isEmpty, appStoreURL != nil {
            throw AppConfigurationError(option: "--app-store-url", rule: "needs --ios-app-id")
        }
        if apps.isEmpty, playStoreURL != nil {
            throw AppConfigurationError(option: "--play-store-url", rule: "needs --android-package")
        }
        let play = playStoreURL ?? apps.first.map { "https://play.google.com/store/apps/details?id=\($0.packageName)" }
        return AppConfiguration(iOSAppIDs: iOSAppIDs, androidApps: apps, appStoreURL: appStoreURL, playStoreURL: play)
    }

    /// `TEAMID.bundle.id`: ten of `A-Z 0-9`, a dot, then a bundle ID (letters, digits, `-` and `.`).
    public static func isAppID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count >= 12, bytes.count <= 255, bytes[10] == UInt8(ascii: ".") else { return false }
        let team = bytes[..<10]
        guard team.allSatisfy({ ASCII.isDigit($0) || ASCII.isUppercaseLetter($0) }) else { return false }
        let bundle = bytes[11...]
        return bundle.first != UInt8(ascii: ".") && bundle.last != UInt8(ascii: ".")
            && bundle.allSatisfy {
                ASCII.isDigit($0) || ASCII.isLowercaseLetter($0) || ASCII.isUppercaseLetter($0)
                    || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".")
            }
    }

    /// A Java package name: two or more parts joined by dots, each a letter then letters, digits or `_`.
    public static func isPackageName(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 2, text.utf8.count <= 255 else { return false }
        return parts.allSatisfy { part in
            guard let first = part.utf8.first, ASCII.isLowercaseLetter(first) || ASCII.isUppercaseLetter(first)
            else { return false }
            return part.utf8.allSatisfy {
                ASCII.isDigit($0) || ASCII.isLowercaseLetter($0) || ASCII.isUppercaseLetter($0)
                    || $0 == UInt8(ascii: "_")
            }
        }
    }

    /// A SHA-256 fingerprint as Digital Asset Links want it (`AA:BB:…`, uppercase), from that form or 64 hex
    /// digits in any case; nil for anything else.
    public static func normalizedFingerprint(_ text: String) -> String? {
        let hex = text.utf8.filter { $0 != UInt8(ascii: ":") }
        guard hex.count == 64, hex.allSatisfy(ASCII.isHexDigit) else { return nil }
        if text.contains(":") {
            let groups = text.split(separator: ":", omittingEmptySubsequences: false)
            guard groups.count == 32, groups.allSatisfy({ $0.utf8.count == 2 }) else { return nil }
        }
        let upper = ASCII.uppercased(hex)
        return stride(from: 0, to: 64, by: 2).map { String(decoding: upper[$0..<$0 + 2], as: UTF8.self) }
            .joined(separator: ":")
    }

    static func isStoreURL(_ text: String) -> Bool {
        text.utf8.count <= 512 && text.lowercased().hasPrefix("https://") && text.utf8.count > 8
            && !text.contains("#") && text.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") }
            && !text.contains("<") && !text.contains(">")
    }
}

/// A bad app setting: the option and the rule it breaks.
public struct AppConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    public let option: String
    public let rule: String

    public init(option: String, rule: String) {
        self.option = option
        self.rule = rule
    }

    public var description: String { "\(option): \(rule)" }
}
