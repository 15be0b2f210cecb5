import Foundation
import Mustache

/// The Mustache templates of invitation messages: the bundled defaults, each replaceable by a file of the same
/// name in an operator's folder (`--template-dir`).
///
/// | file | renders | escaping |
/// |---|---|---|
/// | `email-subject.mustache` | the subject line | none (encoded later per RFC 2047) |
/// | `email-text.mustache` | the text/plain alternative | none |
/// | `email-html.mustache` | the text/html alternative | HTML: every `{{value}}` is escaped |
/// | `text-message.mustache` | the SMS body | none |
///
/// Values: `practice`, `name` (absent when the recipient has none), `link`, `expires` (e.g. `April 3, 2026`)
/// and, in HTML, `qrContentID` for `<img src="cid:{{qrContentID}}">`.
public struct InvitationTemplates: Sendable {
    /// One of the four templates.
    public enum Name: String, Sendable, CaseIterable {
        case emailSubject = "email-subject"
        case emailText = "email-text"
        case emailHTML = "email-html"
        case textMessage = "text-message"

        var isHTML: Bool { self == .emailHTML }
    }

    private let library: MustacheLibrary

    /// The bundled templates, with files in `directory` (when given) taking the place of those with the same name.
    /// - Throws: ``InvitationInputError`` with field `template-dir` or `template` when a folder or file cannot be
    ///   read or a template does not parse.
    public init(overridesIn directory: String? = nil) throws(InvitationInputError) {
        var library = MustacheLibrary()
        let bundled = Bundle.module.resourceURL?.appendingPathComponent("Templates")
        if let directory {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue
            else { throw InvitationInputError(field: "template-dir", rule: "\(directory) is not a folder") }
        }
        for name in Name.allCases {
            let file = name.rawValue + ".mustache"
            let override = directory.map { URL(fileURLWithPath: $0).appendingPathComponent(file) }
            let url: URL
            if let override, FileManager.default.fileExists(atPath: override.path) {
                url = override
            } else if let bundled {
                url = bundled.appendingPathComponent(file)
            } else {
                throw InvitationInputError(field: "template", rule: "the bundled templates are missing")
            }
            let text: String
            do { text = try String(contentsOf: url, encoding: .utf8) } catch {
                throw InvitationInputError(field: "template", rule: "cannot read \(url.path) as UTF-8")
            }
            // Plain-text templates render values as they are; the HTML one escapes them (the library's default).
            let source = name.isHTML ? text : "{{% CONTENT_TYPE: TEXT}}" + text
            do { try library.register(source, named: name.rawValue) } catch {
                throw InvitationInputError(field: "template", rule: "\(url.path) does not parse: \(error)")
            }
        }
        self.library = library
    }

    /// Renders template `name` with `values`.
    func render(_ name: Name, _ values: [String: String]) -> String {
        library.render(values, withTemplate: name.rawValue) ?? ""
    }
}
