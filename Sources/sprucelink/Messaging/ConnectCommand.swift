import ArgumentParser
import SpruceCore
import SpruceStore

struct ConnectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connect",
        abstract: "Open a Spruce link as someone and show what happens.",
        discussion: """
            A member of another clinic is asked "Connect with ⟨clinic⟩?": add --confirm to answer Connect with \
            Clinic, or --decline for Not now. A patient signs up with `sprucelink signup`.
            """
    )

    @OptionGroup var options: DatabaseOptions

    @Option(name: .customLong("as"), help: "member:EMAIL, patient:EMAIL or anonymous.")
    var persona: String

    @Argument(help: "The Spruce link, in any spelling the parser accepts.")
    var link: String

    @Flag(help: "Answer the clinic prompt with Connect with Clinic.")
    var confirm = false

    @Flag(help: "Answer the clinic prompt with Not now.")
    var decline = false

    func run() async throws {
        let persona = try Persona(parsing: self.persona)
        if confirm && decline { throw UsageError("--confirm and --decline exclude each other") }
        let scanned: ScannedLink
        do { scanned = try ScannedLink.parse(link) } catch { throw UsageError("link: \(error.description)") }
        let outcome = try await options.withStore { store in
            let visitor = try await persona.visitor(in: store)
            let outcome = try await store.connect(visitor: visitor, via: scanned.target)
            if case .confirmClinicConnection(_, let token) = outcome, confirm || decline {
                return try await store.answerClinicPrompt(token, as: visitor.identity, accept: confirm)
            }
            return outcome
        }
        print(OutcomeText.render(outcome))
        if case .unavailable(let resolution) = outcome {
            throw ExitCode(resolution.httpStatus == 404 ? 3 : 4)
        }
    }
}

/// How the CLI tells a connect outcome.
enum OutcomeText {
    static func render(_ outcome: ConnectOutcome) -> String {
        switch outcome {
        case .signupRequired(_, let profile):
            "Patient signup required to connect with \(profile.displayName) "
                + "(sprucelink signup --link … carries the link through)."
        case .connected(let id, let isNew):
            isNew ? "Connected: new secure conversation \(id)." : "Already connected: conversation \(id)."
        case .confirmClinicConnection(let prompt, _):
            "\(prompt.question) Run again with --confirm (Connect with Clinic) or --decline (Not now)."
        case .clinicsConnected(let id, let isNew):
            isNew
                ? "Clinics connected: new clinic conversation \(id)." : "Clinics already connected: conversation \(id)."
        case .declined: "Not now: nothing was created."
        case .ownPractice: "This is your own practice link: nothing was created."
        case .unavailable(let resolution): resolution.message
        }
    }
}
