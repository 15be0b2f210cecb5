import Foundation
import SpruceCore
import SpruceDelivery
import Testing

@Suite("Account messages go into the invitations' outbox without confusing its index")
struct OutboxMessengerTests {
    @Test("an email lands in new/, a text in texts.jsonl; the outbox index sees no invitation in either")
    func deliversBesideInvitations() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("accounts-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let outbox = try await Outbox.make(directory: folder.path, syncsToDisk: false)
        let messenger = OutboxMessenger(
            outbox: outbox, from: try MailboxAddress(parsing: "Spruce <accounts@spruce.care>"),
            publicURL: "https://spruce.care/")
        let code = try #require(VerificationCode("042917"))
        try await messenger.deliver(AccountMessage(.signupCode(code), to: .email("ada@example.com"), name: "Ada"))
        try await messenger.deliver(AccountMessage(.resetCode(code), to: .phone("+12175550100")))

        let emails = try FileManager.default.contentsOfDirectory(atPath: folder.path + "/new")
        #expect(emails.count == 1)
        let email = String(
            decoding: try Data(contentsOf: folder.appendingPathComponent("new/" + (emails.first ?? ""))), as: UTF8.self)
        #expect(email.contains("To: Ada <ada@example.com>\n"))
        #expect(email.contains("Subject: Your Spruce verification code\n"))
        #expect(email.contains("Content-Type: text/plain; charset=UTF-8"))
        #expect(email.replacingOccurrences(of: "=\n", with: "").contains("verification code is 042917"))
        let texts = String(decoding: try Data(contentsOf: URL(fileURLWithPath: outbox.textsFile)), as: UTF8.self)
        #expect(texts.contains("\"kind\":\"reset-code\""))
        #expect(texts.contains("\"to\":\"+12175550100\""))
        #expect(texts.contains("Spruce password reset code: 042917."))
        let index = outbox.index()
        #expect(index.delivered.isEmpty)
        #expect(index.spooled.isEmpty)
    }

    @Test("codes: six digits from the generator; typed spaces and dashes are ignored; anything else is refused")
    func codes() throws {
        let made = Set((0..<200).map { _ in VerificationCode.generate().digits })
        #expect(made.allSatisfy { $0.count == 6 && $0.allSatisfy(\.isNumber) })
        #expect(made.count > 190)
        #expect(VerificationCode("042 917")?.digits == "042917")
        #expect(VerificationCode("042-917")?.digits == "042917")
        for bad in ["04291", "0429170", "04291a", "٠٤٢٩١٧", ""] { #expect(VerificationCode(bad) == nil) }
        let key = SigningKey.random()
        let code = try #require(VerificationCode("042917"))
        let stored = code.digest(binding: "ticket-a", key: key)
        #expect(!stored.contains("042917"))
        #expect(code.matches(stored, binding: "ticket-a", key: key))
        #expect(!code.matches(stored, binding: "ticket-b", key: key))
        #expect(!(try #require(VerificationCode("042918"))).matches(stored, binding: "ticket-a", key: key))
        #expect(String(describing: code) == "VerificationCode(redacted)")
    }
}
