/// The rows an apply writes, computed by ``ApplyEngine`` from a change set and
/// the snapshot it was planned against. A store persists them in the same
/// transaction that checked the snapshot is still current; stores never
/// decide anything themselves, so every store behaves the same.
public struct LedgerWrites: Hashable, Sendable {
    /// The account row after the apply (serial already advanced).
    public var account: LedgerAccount
    /// True when the account row must be inserted rather than updated.
    public var isNewAccount: Bool
    /// Users to insert or update, keyed by (account, email).
    public var users: [LedgerUser]
    /// Licenses to insert or update, keyed by code.
    public var licenses: [License]
    /// Contract terms that start with this apply, by plan.
    public var contractStarts: [String: Day]
    /// The account's recorded deferrals after the apply (replaces the old set).
    public var deferrals: [RecordedDeferral]
    /// One entry per change, in apply order.
    public var journal: [JournalEntry]

    public init(account: LedgerAccount, isNewAccount: Bool, users: [LedgerUser] = [], licenses: [License] = [],
                contractStarts: [String: Day] = [:], deferrals: [RecordedDeferral] = [], journal: [JournalEntry] = []) {
        self.account = account
        self.isNewAccount = isNewAccount
        self.users = users
        self.licenses = licenses
        self.contractStarts = contractStarts
        self.deferrals = deferrals
        self.journal = journal
    }
}
