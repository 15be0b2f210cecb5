import Foundation

/// How long a new invitation stays usable, in whole days: ``standard`` unless the sender asks, within ``days``.
public struct InvitationLifetime: Equatable, Sendable {
    /// The lifetimes a sender may ask for.
    public static let days = 1...365
    /// What every front door uses when the sender does not say: ``Invitation/defaultLifetime``.
    public static let standard = InvitationLifetime(checkedDays: Int(Invitation.defaultLifetime / 86_400))
    /// The rule a refused lifetime broke, for the error that names the field.
    public static let rule = "must be from \(days.lowerBound) to \(days.upperBound)"

    public let dayCount: Int

    /// The lifetime the sender asked for, ``standard`` when they did not; nil outside ``days``.
    public init?(days: Int?) {
        guard let days else {
            self = .standard
            return
        }
        guard Self.days.contains(days) else { return nil }
        self.init(checkedDays: days)
    }

    private init(checkedDays: Int) { dayCount = checkedDays }

    public var seconds: TimeInterval { TimeInterval(dayCount) * 24 * 60 * 60 }
}
