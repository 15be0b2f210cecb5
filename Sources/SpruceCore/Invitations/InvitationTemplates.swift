import Mustache

/// The Mustache templates of invitation messages, parsed from their text (reading them from files is the
/// delivery module's job: `SpruceDelivery`'s `InvitationTemplates.load(overridesIn:)`).
///
/// | name | renders | escaping |
/// |---|---|---|
/// | `email-subject` | the subject line | none (encoded later per RFC 2047) |
/// | `email-text` | the text/plain alternative | none |
/// | `email-html` | the text/html alternative | HTML: every `{{value}}` is escaped |
/// | `text-message` | the SMS body | none |
///
/// Values: `practice`, `name` (absent when the recipient has none), `link`, `expires` (e.g. `April 3, 2026`),
/// `connectCode`, `message` (the ``PersonalMessage``, absent when there is none) and, in HTML, `qrContentID` for
/// `<img src="cid:{{qrContentID}}">`.
public struct InvitationTemplates: Sendable {
    /// One of the four templates.
    public enum Name: String, Sendable, CaseIterable {
        case emailSubject = "email-subject"
        case emailText = "email-text"
        case emailHTML = "email-html"
        case textMessage = "text-message"

        /// The file name of the template, e.g. `email-html.mustache`.
        public var fileName: String { rawValue + ".mustache" }

        var isHTML: Bool { self == .emailHTML }
    }

    /// The text of one template and where it came from (named in parse errors).
    public struct Source: Sendable {
        public let text: String
        public let origin: String

        public init(text: String, origin: String) {
            self.text = text
            self.origin = origin
        }
    }

    private let library: MustacheLibrary
    /// Each template's output as fixed text between the values, per shape of values (see ``CompiledTemplate``).
    private let compiled = CompiledTemplates()

    /// Parses the four templates.
    /// - Throws: ``InvitationInputError`` with field `template` when one is missing or does not parse.
    public init(sources: [Name: Source]) throws(InvitationInputError) {
        var library = MustacheLibrary()
        for name in Name.allCases {
            guard let source = sources[name] else {
                throw InvitationInputError(field: "template", rule: "\(name.fileName) is missing")
            }
            // Plain-text templates render values as they are; the HTML one escapes them (the library's default).
            let text = name.isHTML ? source.text : "{{% CONTENT_TYPE: TEXT}}" + source.text
            do { try library.register(text, named: name.rawValue) } catch {
                throw InvitationInputError(field: "template", rule: "\(source.origin) does not parse: \(error)")
            }
        }
        self.library = library
    }

    /// Renders template `name` with `values`: through its compiled form when it has one for these values' shape,
    /// which gives the same text as Mustache.
    func render(_ name: Name, _ values: [String: String]) -> String {
        let form = compiled.form(name.rawValue, for: values) { values in renderWithMustache(name, values) }
        return form?.render(values) ?? renderWithMustache(name, values)
    }

    /// Renders template `name` with `values` through Mustache.
    func renderWithMustache(_ name: Name, _ values: [String: String]) -> String {
        library.render(values, withTemplate: name.rawValue) ?? ""
    }
}
