import ArgumentParser
import Foundation
import SpruceCore
import SprucePrint
import SpruceStore

/// `sprucelink flyer`: a poster, flyers, a table tent or business cards for a link (or every active link of an
/// organization), as vector PDF.
///
/// Option values are checked in `run()` so that a bad one gives one stderr line naming the option and what it
/// allows, exit status 64, and no file.
struct FlyerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flyer",
        abstract: "Print a link as a poster, flyers, a table tent or business cards (vector PDF).",
        discussion: """
            The code is drawn as vector rectangles in the link's QR colors, with the short URL under it. A link \
            whose code would be too dense to scan in the layout is refused. The file is written through a \
            temporary file and a rename: a failure leaves no file. Exit status: 64 bad option, 3 unknown code, \
            4 disabled link, 1 any other failure.
            """
    )

    /// Exit statuses besides 0, 1 and 64, as `sprucelink resolve` uses them.
    enum Status: Int32 {
        case notFound = 3
        case disabled = 4
    }

    @OptionGroup var options: DatabaseOptions

    @Argument(help: "The code of the link to print (or use --org ID --all-links).")
    var code: String?

    @Option(help: ArgumentHelp("What to print: poster (default), flyer, tent or cards.", valueName: "layout"))
    var layout: String?

    @Option(help: ArgumentHelp("Paper size: letter (default) or a4.", valueName: "paper"))
    var paper: String?

    @Option(
        help: ArgumentHelp(
            "The headline, at most \(PrintRules.headlineLimit) characters (default \"\(PrintRules.defaultHeadline)\").",
            valueName: "text"))
    var headline: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("The PDF file to write (.pdf).", valueName: "file"))
    var output: String?

    @Option(help: ArgumentHelp("With --all-links: the id of the organization.", valueName: "id"))
    var org: String?

    @Flag(help: "Print every active link of --org, one sheet each, in one PDF.")
    var allLinks = false

    @Option(
        help: ArgumentHelp("The origin links are printed with (default https://spruce.care).", valueName: "url"))
    var publicURL: String?

    @Option(help: ArgumentHelp("The document's language tag for screen readers (default en).", valueName: "tag"))
    var language: String?

    func run() async throws {
        let request = try FlyerRequest(self)
        let contents = try await options.withStore { store in try await request.contents(from: store) }
        do {
            try request.document.write(contents, to: request.output)
        } catch {
            Terminal.printError("Error: \(error.description)")
            throw ExitCode.failure
        }
        let sheets = contents.count == 1 ? "1 sheet" : "\(contents.count) sheets"
        let document = request.document
        print("Wrote \(request.output): \(document.layout.rawValue), \(document.paper.rawValue), \(sheets)")
    }
}
