import ArgumentParser
import Foundation
import SpruceCore
import SpruceStore

struct LinkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "link",
        abstract: "Mint, list and disable practice links, and set the colors of their QR codes.",
        subcommands: [Mint.self, List.self, Disable.self, Colors.self, StatsCommand.LinkStats.self]
    )
}

extension LinkCommand {
    struct Mint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mint new links for an organization, in one transaction.",
            discussion: """
                Numeric codes are drawn at random from a cryptographically secure generator. With --vanity the code \
                is the given slug, or one derived from the organization's name (with -2, -3, … if taken). \
                A code once used, even if disabled, is never minted again.
                """
        )

        @OptionGroup var options: DatabaseOptions

        @Option(help: "The id of the organization that owns the links.")
        var org: Int64

        @Flag(help: "Mint a vanity code instead of a numeric one.")
        var vanity = false

        @Argument(help: "The vanity code to use with --vanity; derived from the organization's name when left out.")
        var slug: String?

        @Option(help: "An internal label, e.g. the campaign or location the link is for.")
        var label: String = ""

        @Option(name: .customLong("tag"), help: "A tag for conversations started through the links (repeatable).")
        var tags: [String] = []

        @Option(help: "How many numeric links to mint (1–1000000).")
        var count = 1

        @Option(help: "Digits in each numeric code (6–10).")
        var length = LinkCode.defaultNumericLength

        @Flag(
            help: "Keep --length even when that length's codes are more than 10 % used (by default minting moves on).")
        var keepLength = false

        @Flag(help: "Print the links as JSON.")
        var json = false

        func checkOptions() throws {
            if slug != nil && !vanity { throw UsageError("a code argument needs --vanity") }
            if vanity && count != 1 { throw UsageError("--count: a vanity code is minted one at a time") }
            guard (1...SpruceStore.maximumMintCount).contains(count) else {
                throw UsageError("--count must be between 1 and \(SpruceStore.maximumMintCount)")
            }
            guard LinkCode.numericLengths.contains(length) else {
                throw UsageError("--length must be between 6 and 10")
            }
            guard label.count <= SpruceStore.labelLimit else {
                throw UsageError("--label is longer than \(SpruceStore.labelLimit) characters")
            }
        }

        func run() async throws {
            try checkOptions()
            var tags: [ConversationTag] = []
            for text in self.tags {
                do { tags.append(try ConversationTag(text)) } catch { throw UsageError("--tag: \(error.description)") }
            }
            let kind: MintRequest.Kind
            if vanity, let slug {
                do { kind = .chosen(try LinkCode(slug)) } catch {
                    throw UsageError("vanity code: \(error.description)")
                }
            } else if vanity {
                kind = .vanityFromName
            } else {
                kind = .numeric(length: length)
            }
            let request = MintRequest(
                organizationID: OrganizationID(rawValue: org), kind: kind, label: label, tags: tags,
                lengthPolicy: keepLength ? .exact : .moveUpWhenCrowded)
            let progress = ProgressBar(label: "Minting")
            let showsProgress = count > 1
            let minted = try await options.withStore { store in
                try await store.mint(request, count: count, progress: showsProgress ? progress.update : nil)
            }
            if let notice = minted.lengthNotice { Terminal.printError(notice) }
            let links = minted.links
            if json {
                try JSONOutput.print(links.map(LinkDocument.init))
            } else {
                var output = ""
                output.reserveCapacity(links.count * 9)
                for link in links { output += link.code.rawValue + "\n" }
                Terminal.writeOutput(Data(output.utf8))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List an organization's links, primary first.")

        @OptionGroup var options: DatabaseOptions

        @Option(help: "The id of the organization.")
        var org: Int64

        @Flag(help: "Print the links as JSON.")
        var json = false

        func run() async throws {
            let links = try await options.withStore { store in
                try await store.links(of: OrganizationID(rawValue: org))
            }
            if json {
                try JSONOutput.print(links.map(LinkDocument.init))
            } else {
                for link in links { print(LinkText.render(link)) }
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Disable a link. Its code then answers \"no longer active\" and is never reissued."
        )

        @OptionGroup var options: DatabaseOptions

        @Argument(help: "The code of the link to disable.")
        var code: String

        func run() async throws {
            let linkCode: LinkCode
            do { linkCode = try LinkCode(code) } catch { throw UsageError("code: \(error.description)") }
            let link = try await options.withStore { store in
                try await store.disableLink(code: linkCode, in: .everyOrganization)
            }
            print("Disabled \(LinkText.url(for: link.code))")
        }
    }

    struct Colors: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set the colors of a link's QR code, as the server renders it.",
            discussion: """
                Dark modules on a light background with a contrast of at least 4.5:1, so that phone cameras \
                read it. The server's QR images of the link change within a second on every instance.
                """
        )

        @OptionGroup var options: DatabaseOptions

        @Argument(help: "The code of the link.")
        var code: String

        @Option(help: ArgumentHelp("The modules' color.", valueName: "#rrggbb"))
        var foreground = "#000000"

        @Option(help: ArgumentHelp("The background's color.", valueName: "#rrggbb"))
        var background = "#ffffff"

        func run() async throws {
            let linkCode: LinkCode
            do { linkCode = try LinkCode(code) } catch { throw UsageError("code: \(error.description)") }
            let colors: QRColors
            do {
                colors = try QRColors(foreground: foreground, background: background)
            } catch {
                throw UsageError("--\(error.field): \(error.rule)")
            }
            let link = try await options.withStore { store in
                try await store.setQRColors(colors, code: linkCode, in: .everyOrganization)
            }
            print("QR code of \(LinkText.url(for: link.code)): \(link.qrColors)")
        }
    }
}
