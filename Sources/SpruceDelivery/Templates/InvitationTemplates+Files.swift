import Foundation
import NIOPosix
import SpruceCore

extension InvitationTemplates {
    /// ``load(overridesIn:)`` run on `threadPool` (its file reads block), for callers on Swift's cooperative pool.
    /// - Throws: ``InvitationInputError`` as ``load(overridesIn:)``, or with field `template` when the pool is
    ///   shut down.
    public static func read(
        overridesIn directory: String? = nil,
        on threadPool: NIOThreadPool = .singleton
    ) async throws(InvitationInputError) -> InvitationTemplates {
        do {
            return try await threadPool.runIfActive { try load(overridesIn: directory) }
        } catch let error as InvitationInputError {
            throw error
        } catch {
            throw InvitationInputError(field: "template", rule: "cannot be read now: \(error)")
        }
    }

    /// The bundled templates, with files in `directory` (when given) taking the place of those with the same name.
    /// Blocking file reads: call it before serving, or from a thread pool.
    /// - Throws: ``InvitationInputError`` with field `template-dir` or `template` when a folder or file cannot be
    ///   read or a template does not parse.
    public static func load(overridesIn directory: String? = nil) throws(InvitationInputError) -> InvitationTemplates {
        let bundled = Bundle.module.resourceURL?.appendingPathComponent("Bundled")
        if let directory {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue
            else { throw InvitationInputError(field: "template-dir", rule: "\(directory) is not a folder") }
        }
        var sources: [Name: Source] = [:]
        for name in Name.allCases {
            let override = directory.map { URL(fileURLWithPath: $0).appendingPathComponent(name.fileName) }
            let url: URL
            if let override, FileManager.default.fileExists(atPath: override.path) {
                url = override
            } else if let bundled {
                url = bundled.appendingPathComponent(name.fileName)
            } else {
                throw InvitationInputError(field: "template", rule: "the bundled templates are missing")
            }
            do { sources[name] = Source(text: try String(contentsOf: url, encoding: .utf8), origin: url.path) } catch {
                throw InvitationInputError(field: "template", rule: "cannot read \(url.path) as UTF-8")
            }
        }
        return try InvitationTemplates(sources: sources)
    }
}
