/// SeatCore is the pure heart of seatctl: accounts, catalog plans, licenses,
/// users, money, calendar days, the business rules and the planner that turns
/// a desired state and a ledger snapshot into a ``ChangeSet``.
///
/// Nothing in this module reads files, talks to a database or prints. Every
/// input (the clock included) arrives as a value, so the same inputs always
/// give the same change set, byte for byte once rendered.
public enum SeatCore {
    /// The version printed by `seatctl --version` and recorded in saved plans.
    public static let version = "0.1.0"
}
