/// Why an invitation input (an address, a phone number, a CSV row, a template) was refused.
///
/// The message names the field and the rule that failed, e.g. `phone: "12345" is too short for a +1 number`.
/// It may echo what the user typed (addresses are not secrets); it never holds a token.
public struct InvitationInputError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The field that was refused: `email`, `phone`, `name`, `from`, `template`, …
    public let field: String
    /// The rule that failed, as a phrase.
    public let rule: String

    public init(field: String, rule: String) {
        self.field = field
        self.rule = rule
    }

    public var description: String { "\(field): \(rule)" }
}
