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
    /// Charges, credits and license billing states; nil when the engine ran without a catalog.
    public var billing: BillingWrites?
    /// The codes of the licenses bought in this apply, in the order bought.
    /// They are the last of `licenses`, which a store inserts rather than
    /// updates; empty when unknown (every license is then upserted).
    public var boughtCodes: [String]

    public init(account: LedgerAccount, isNewAccount: Bool, users: [LedgerUser] = [], licenses: [License] = [],
                contractStarts: [String: Day] = [:], deferrals: [RecordedDeferral] = [], journal: [JournalEntry] = [],
                billing: BillingWrites? = nil, boughtCodes: [String] = []) {
        self.account = account
        self.isNewAccount = isNewAccount
        self.users = users
        self.licenses = licenses
        self.contractStarts = contractStarts
        self.deferrals = deferrals
        self.journal = journal
        self.billing = billing
        self.boughtCodes = boughtCodes
    }

    /// The index in `licenses` from which on every license is one bought
    /// in this apply (`licenses.count` when none is, or when the licenses
    /// do not end with `boughtCodes`).
    public var firstBoughtLicense: Int {
        let first = licenses.count - boughtCodes.count
        guard !boughtCodes.isEmpty, first >= 0,
              licenses[first...].map(\.code) == boughtCodes else { return licenses.count }
        return first
    }
}

extension LedgerSnapshot {
    /// The snapshot a store reads back after persisting `writes` over this
    /// one: users by email, licenses oldest first (the order stores return).
    /// Tests use it as the reference every store must match.
    public func applying(_ writes: LedgerWrites) -> LedgerSnapshot {
        var users = Dictionary(self.users.map { ($0.email, $0) }, uniquingKeysWith: { a, _ in a })
        for user in writes.users { users[user.email] = user }
        var licenses = Dictionary(self.licenses.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        for license in writes.licenses { licenses[license.code] = license }
        var starts = contractStarts
        starts.merge(writes.contractStarts) { old, _ in old }
        return LedgerSnapshot(account: writes.account, users: users.values.sorted { $0.email < $1.email },
                              licenses: licenses.values.sorted(by: License.olderFirst), contractStarts: starts,
                              deferrals: writes.deferrals, billing: billing.map { $0.applying(writes.billing) } ?? writes.billing?.initialBilling(inOrderOf: writes.licenses))
    }
}
