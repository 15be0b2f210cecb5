import ArgumentParser
import Foundation
import SpruceCore
import SpruceStore

extension InviteCommand {
    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an invitation by its token, link or id.")

        @OptionGroup var database: DatabaseOptions

        @Argument(help: "The invitation's token (or its https://…/i/<token> link), or its numeric id.")
        var invitation: String

        func run() async throws {
            var text = invitation.trimmingCharacters(in: .whitespaces)
            if text.contains("/") { text = String(text.split(separator: "/").last ?? "") }
            let token = try? InvitationToken(text)
            let id = Int64(text)
            guard token != nil || id != nil else {
                throw UsageError("invitation: \"\(invitation)\" is neither a 26-character token nor a numeric id")
            }
            let revoked = try await database.withStore { store -> Invitation in
                var target = id.map(InvitationID.init(rawValue:))
                if let token {
                    guard let found = try await store.invitation(digest: token.digest) else {
                        throw OperationalError("no invitation with that token")
                    }
                    target = found.id
                }
                guard let target else { throw OperationalError("no such invitation") }
                do { return try await store.revokeInvitation(id: target) } catch StoreError.invitationNotFound {
                    throw OperationalError("no invitation with id \(target)")
                }
            }
            print("Revoked invitation \(revoked.id) (\(InviteText.recipient(revoked.recipient)))")
        }
    }
}
