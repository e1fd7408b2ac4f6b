import Foundation

/// Whether an account can still be changed.
public enum AccountStatus: String, Sendable, Codable {
    case open, closed
}

/// An account as the ledger records it.
public struct LedgerAccount: Hashable, Sendable, Codable {
    /// Lowercase slug, unique in a ledger.
    public var id: String
    public var kind: AccountKind
    public var name: String?
    public var timezone: String
    public var status: AccountStatus
    /// Random id fixed at creation; a saved plan must match it.
    public var lineage: String
    /// Grows by one with every applied change set.
    public var serial: Int
    /// The billing anchor.
    public var createdAt: Date

    public init(id: String, kind: AccountKind, name: String?, timezone: String, status: AccountStatus = .open,
                lineage: String, serial: Int, createdAt: Date) {
        self.id = id
        self.kind = kind
        self.name = name
        self.timezone = timezone
        self.status = status
        self.lineage = lineage
        self.serial = serial
        self.createdAt = createdAt
    }
}

/// Whether a user still belongs to the account.
public enum UserStatus: String, Sendable, Codable, CaseIterable {
    case active, terminated
}

/// A person in an account.
public struct LedgerUser: Hashable, Sendable, Codable {
    /// Lower-cased.
    public var email: String
    public var name: String?
    public var role: Role
    public var isExternal: Bool
    public var status: UserStatus

    public init(email: String, name: String? = nil, role: Role = .user, isExternal: Bool = false, status: UserStatus = .active) {
        self.email = email.lowercasedIfNeeded()
        self.name = name
        self.role = role
        self.isExternal = isExternal
        self.status = status
    }
}

/// A license's life-cycle state.
public enum LicenseStatus: String, Sendable, Codable, CaseIterable {
    case active, paused, expired
    /// Removed from the account; kept for its history, never counted or billed.
    case removed
}

/// One seat bought under a plan.
public struct License: Hashable, Sendable, Codable {
    /// 8 characters, A–Z and 0–9, unique in a ledger.
    public var code: String
    public var plan: String
    public var status: LicenseStatus
    public var createdAt: Date
    public var activatedAt: Date?
    /// The last day the license is valid; past it the license counts as expired.
    public var endDate: Day?
    /// Email of the user holding it (the subscription), if any.
    public var assignedTo: String?
    /// Tie-breaker for licenses created at the same instant: creation order.
    public var sequence: Int64

    public init(code: String, plan: String, status: LicenseStatus = .active, createdAt: Date, activatedAt: Date? = nil,
                endDate: Day? = nil, assignedTo: String? = nil, sequence: Int64) {
        self.code = code
        self.plan = plan
        self.status = status
        self.createdAt = createdAt
        self.activatedAt = activatedAt
        self.endDate = endDate
        self.assignedTo = assignedTo?.lowercasedIfNeeded()
        self.sequence = sequence
    }

    /// The status on `today`: an active or paused license whose end date has
    /// passed is expired even before a time event records it.
    public func effectiveStatus(on today: Day) -> LicenseStatus {
        Self.effectiveStatus(status, endDate: endDate, on: today)
    }

    /// ``effectiveStatus(on:)`` of a license with `status` and `endDate`:
    /// for code that reads licenses in place rather than copying them.
    static func effectiveStatus(_ status: LicenseStatus, endDate: Day?, on today: Day) -> LicenseStatus {
        if status == .active || status == .paused, let end = endDate, end < today { return .expired }
        return status
    }

    /// The order assignments take free licenses in: active before paused,
    /// each oldest first.
    public static func assignmentOrder(_ a: License, _ b: License) -> Bool {
        a.assignmentKey < b.assignmentKey
    }

    /// What ``assignmentOrder`` compares: paused or not, then as ``olderFirst``.
    var assignmentKey: (Int, Date, Int64, String) {
        (status == .paused ? 1 : 0, createdAt, sequence, code)
    }

    /// Oldest first: creation instant, then creation order, then code.
    public static func olderFirst(_ a: License, _ b: License) -> Bool {
        (a.createdAt, a.sequence, a.code) < (b.createdAt, b.sequence, b.code)
    }
}

/// A removal that `contract_term` held back, recorded by the apply that
/// reported it, so the first apply on or after `until` carries it out.
public struct RecordedDeferral: Hashable, Sendable, Codable {
    public var plan: String
    public var until: Day

    public init(plan: String, until: Day) {
        self.plan = plan
        self.until = until
    }

    /// The record an apply keeps of a deferral it reported.
    public init(_ deferral: Deferral) {
        self.init(plan: deferral.plan, until: deferral.until)
    }
}

/// Everything the planner needs to know about one account, read in one
/// transaction so it is consistent.
public struct LedgerSnapshot: Hashable, Sendable {
    /// nil when the account has never been applied.
    public var account: LedgerAccount?
    public var users: [LedgerUser] {
        didSet { derived.emails = nil }
    }
    /// Every license of the account, removed ones included.
    public var licenses: [License] {
        didSet { derived.emails = nil }
    }
    /// For each contracted plan the account ever bought: the day its term started.
    public var contractStarts: [String: Day]
    public var deferrals: [RecordedDeferral]
    /// The account's billing records; nil for a new account or a store
    /// that keeps none.
    public var billing: AccountBilling?
    /// The users' e-mails as the store that read the snapshot indexed them,
    /// if it did; dropped when `users` or `licenses` change.
    public var emails: SnapshotEmails? { derived.emails }
    private var derived = Derived()

    /// What is worked out from the other fields: no part of equality.
    private struct Derived: Hashable, Sendable {
        var emails: SnapshotEmails?
        static func == (_: Derived, _: Derived) -> Bool { true }
        func hash(into hasher: inout Hasher) {}
    }

    public init(account: LedgerAccount?, users: [LedgerUser] = [], licenses: [License] = [],
                contractStarts: [String: Day] = [:], deferrals: [RecordedDeferral] = [], billing: AccountBilling? = nil,
                emails: SnapshotEmails? = nil) {
        self.account = account
        self.users = users
        self.licenses = licenses
        self.contractStarts = contractStarts
        self.deferrals = deferrals
        self.billing = billing
        derived.emails = emails.flatMap { $0.matches(users: users, licenses: licenses) ? $0 : nil }
    }

    /// The snapshot of an account that does not exist yet.
    public static let empty = LedgerSnapshot(account: nil)
}

/// A snapshot's e-mails as a store indexed them while reading it: each
/// user's e-mail in a table whose slot `i` is user `i`, and for each license
/// the user holding it. ``LedgerIndex`` then looks no e-mail up again, and
/// the store gave each license its holder's `String` rather than a copy.
///
/// It is derived from the snapshot's users and licenses, so it takes no part
/// in a snapshot's equality or hash.
public struct SnapshotEmails: Sendable {
    /// The users' e-mails; slot `i` is the snapshot's user `i`.
    let users: SlotTable
    /// For each license of the snapshot: the index of the user it is
    /// assigned to, or -1 when it is assigned to no one or to an e-mail
    /// that is no user's.
    let holders: [Int32]

    public init(users: SlotTable, holders: [Int32]) {
        self.users = users
        self.holders = holders
    }

    /// True when it describes `users` and `licenses`: the sizes always
    /// (a mismatch drops it); the e-mails themselves in debug builds.
    func matches(users: [LedgerUser], licenses: [License]) -> Bool {
        guard self.users.count == users.count, holders.count == licenses.count else { return false }
        assert(zip(self.users.keys, users).allSatisfy { $0 == $1.email }, "the e-mail table is not the users'")
        assert(zip(holders, licenses).allSatisfy { holder, license in
            holder < 0 ? license.assignedTo.map { self.users.slot(of: $0) == nil } ?? true
                       : users[Int(holder)].email == license.assignedTo
        }, "a license's holder is not the user it names")
        return true
    }
}

/// One line of the journal: who changed what, when, from what to what.
public struct JournalEntry: Hashable, Sendable, Codable {
    public var at: Date
    public var account: String
    public var actor: String
    /// A ``ChangeAction`` raw value, or an account-level action such as `create_account`.
    public var action: String
    /// What changed: a user email, a plan id or a license code.
    public var subject: String
    public var from: String?
    public var to: String?
    /// The serial the change set that made this change produced.
    public var serial: Int

    public init(at: Date, account: String, actor: String, action: String, subject: String, from: String?, to: String?, serial: Int) {
        self.at = at
        self.account = account
        self.actor = actor
        self.action = action
        self.subject = subject
        self.from = from
        self.to = to
        self.serial = serial
    }
}
