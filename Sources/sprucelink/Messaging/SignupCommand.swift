import ArgumentParser
import SpruceCore
import SpruceStore

struct SignupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signup",
        abstract:
            "Sign a patient up as an operator (the address counts as verified), through a practice or invitation link: the patient ends connected to it."
    )

    @OptionGroup var options: DatabaseOptions

    @Option(help: "The practice or invitation link the patient came through.")
    var link: String?

    @Option(help: "The patient's name.")
    var name: String

    @Option(help: "The patient's email address.")
    var email: String?

    @Option(help: "The patient's mobile number.")
    var phone: String?

    @Flag(help: "Read the password from standard input instead of generating one.")
    var passwordStdin = false

    func run() async throws {
        let password = passwordStdin ? try PasswordInput.readFromStandardInput() : RandomPassword.make()
        let details = AccountDetails(name: name, email: email, phone: phone, password: password)
        do { _ = try details.validated() } catch { throw UsageError(error.description) }
        let target = try parsedLink()
        let (patient, outcome) = try await options.withStore { store -> (Patient?, ConnectOutcome?) in
            var continuation: String?
            if let target {
                let opened = try await store.connect(visitor: .anonymous, via: target)
                guard case .signupRequired(let carried, _) = opened else {
                    return (nil, opened)
                }
                continuation = carried
            }
            let (patient, outcome) = try await store.signUpPatient(details, continuation: continuation)
            return (patient, outcome)
        }
        if let patient { print("Signed up patient \(patient.id): \(patient.name)") }
        if !passwordStdin && patient != nil { print("Password: \(password)") }
        if let outcome { print(OutcomeText.render(outcome)) }
        if case .some(.unavailable) = outcome { throw ExitCode.failure }
    }

    private func parsedLink() throws(UsageError) -> ScannedLink.Target? {
        guard let link else { return nil }
        do { return try ScannedLink.parse(link).target } catch { throw UsageError("--link: \(error.description)") }
    }
}
