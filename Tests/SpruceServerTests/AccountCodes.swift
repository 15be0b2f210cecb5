import Foundation
import HTTPTypes
import Testing

/// Reading what the server delivered to an address, as its owner would: the newest email in the outbox's Maildir
/// (`new/`) addressed to it, or the newest line of `texts.jsonl` sent to it.
enum Mailbox {
    /// The messages delivered to `address`, oldest first (each email decoded from quoted-printable; a text's body).
    static func messages(to address: String, in outbox: String) throws -> [String] {
        if address.contains("@") {
            let folder = outbox + "/new"
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            let ordered = names.filter { $0.contains(".SA") }.sorted { order($0) < order($1) }
            return ordered.compactMap { name -> String? in
                guard let data = FileManager.default.contents(atPath: folder + "/" + name) else { return nil }
                let text = String(decoding: data, as: UTF8.self)
                guard text.lowercased().contains("<\(address.lowercased())>") else { return nil }
                return text.replacingOccurrences(of: "=\n", with: "").replacingOccurrences(of: "=3D", with: "=")
            }
        }
        guard let data = FileManager.default.contents(atPath: outbox + "/texts.jsonl") else { return [] }
        return data.split(separator: UInt8(ascii: "\n")).compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                object["to"] as? String == address, object["kind"] != nil
            else { return nil }
            return object["body"] as? String
        }
    }

    /// The code in the newest message to `address`.
    static func latestCode(to address: String, in outbox: String) throws -> String {
        let all = try messages(to: address, in: outbox)
        guard let last = all.last, let match = last.firstMatch(of: /code(?: is|:) (\d{6})/) else {
            throw FixtureError(description: "no code delivered to \(address) (\(all.count) messages)")
        }
        return String(match.1)
    }

    /// Orders Maildir names `SECONDS.SA<sequence>M…` by time, then sequence.
    private static func order(_ name: String) -> (Int, Int) {
        let parts = name.split(separator: ".")
        guard parts.count > 1 else { return (0, 0) }
        let sequence = parts[1].dropFirst(2).prefix { $0.isNumber }
        return (Int(parts[0]) ?? 0, Int(sequence) ?? 0)
    }
}

extension Browser {
    /// Signs up through the form and enters the code delivered to the email (or phone) given, as a person does.
    /// Returns the response to the code (a redirect when it worked), or the signup response when no code page
    /// came (a refused field, a 429, or an invitation to this very address, which verifies at once).
    func signUp(form: [String: String], from page: Page) async throws -> Page {
        let sent = try await post("/signup", form: form, from: page)
        guard sent.status == .ok, let ticket = sent.hiddenValue("ticket") else { return sent }
        let address = try #require(form["email"] ?? form["phone"])
        let code = try Mailbox.latestCode(to: address, in: outbox)
        return try await post("/signup/verify", form: ["ticket": ticket, "code": code], from: sent)
    }
}
