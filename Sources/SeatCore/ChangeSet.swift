import Foundation

/// The kinds of change, in the order the design lists them. Raw values are
/// the `action` strings of the JSON output and the journal.
public enum ChangeAction: String, Sendable, Codable, CaseIterable {
    case addUser = "add_user"
    case updateUser = "update_user"
    case buy
    case assign
    case resume
    case pause
    case unassign
    case terminateUser = "terminate_user"
    case remove
}

/// The attributes of a user that a change set can set.
public struct UserAttributes: Hashable, Sendable, Codable {
    public var name: String?
    public var role: Role
    public var isExternal: Bool

    public init(name: String?, role: Role, isExternal: Bool) {
        self.name = name
        self.role = role
        self.isExternal = isExternal
    }
}

/// One step of a change set. Apply executes exactly these steps, in order,
/// and nothing else.
public enum Change: Hashable, Sendable {
    /// Adds a user, or brings back a terminated one.
    case addUser(email: String, UserAttributes)
    case updateUser(email: String, from: UserAttributes, to: UserAttributes)
    /// Buys `to - from` licenses of a plan.
    case buy(plan: String, count: Int, from: Int, to: Int)
    /// Assigns a license of `plan` to a user: the license with code `license`
    /// when it exists already, else the oldest unassigned active license of the
    /// plan at that step (one bought earlier in the same change set).
    case assign(email: String, plan: String, license: String?)
    /// Resumes every paused license the user holds.
    case resume(email: String, plans: [String])
    /// Pauses every active license the user holds.
    case pause(email: String, plans: [String])
    case unassign(email: String, plan: String, license: String)
    /// Terminates a user; the change set unassigns their licenses before.
    case terminateUser(email: String)
    /// Removes exactly these unassigned licenses.
    case remove(plan: String, count: Int, from: Int, to: Int, licenses: [String])

    public var action: ChangeAction {
        switch self {
        case .addUser: return .addUser
        case .updateUser: return .updateUser
        case .buy: return .buy
        case .assign: return .assign
        case .resume: return .resume
        case .pause: return .pause
        case .unassign: return .unassign
        case .terminateUser: return .terminateUser
        case .remove: return .remove
        }
    }

    /// The user the change is about, if any.
    public var user: String? {
        switch self {
        case .addUser(let email, _), .updateUser(let email, _, _), .assign(let email, _, _),
             .resume(let email, _), .pause(let email, _), .unassign(let email, _, _), .terminateUser(let email):
            return email
        case .buy, .remove:
            return nil
        }
    }

    /// The plan the change is about, if any.
    public var plan: String? {
        switch self {
        case .buy(let plan, _, _, _), .assign(_, let plan, _), .unassign(_, let plan, _), .remove(let plan, _, _, _, _):
            return plan
        case .addUser, .updateUser, .resume, .pause, .terminateUser:
            return nil
        }
    }

    /// What the summary counts: licenses for buy and remove, users otherwise.
    public var summaryCount: Int {
        switch self {
        case .buy(_, let count, _, _), .remove(_, let count, _, _, _): return count
        default: return 1
        }
    }
}

/// A change the rules hold back until a known day.
public struct Deferral: Hashable, Sendable {
    public var action: ChangeAction
    public var plan: String
    public var count: Int
    public var code: RuleCode
    /// The first day the change is allowed.
    public var until: Day
    public var location: SourceLocation?

    public init(action: ChangeAction, plan: String, count: Int, code: RuleCode, until: Day, location: SourceLocation? = nil) {
        self.action = action
        self.plan = plan
        self.count = count
        self.code = code
        self.until = until
        self.location = location
    }
}

/// How the account row itself changes: created by the first apply, or its
/// display name or time zone edited.
public struct AccountChange: Hashable, Sendable {
    public var id: String
    public var kind: AccountKind
    public var isNew: Bool
    public var name: String?
    public var timezone: String
    /// True when a self-employed account's one user is deactivated.
    public var closes: Bool
    /// What was there before, for display; nil when new.
    public var previousName: String?
    public var previousTimezone: String?

    public init(id: String, kind: AccountKind, isNew: Bool, name: String?, timezone: String, closes: Bool = false,
                previousName: String? = nil, previousTimezone: String? = nil) {
        self.id = id
        self.kind = kind
        self.isNew = isNew
        self.name = name
        self.timezone = timezone
        self.closes = closes
        self.previousName = previousName
        self.previousTimezone = previousTimezone
    }
}

/// The complete result of planning one account: the ordered changes that
/// close the gap between the file and the ledger, what is held back, what is
/// wrong, and what the plan was made against.
public struct ChangeSet: Hashable, Sendable {
    public var account: String
    /// The ledger lineage the plan was made against; nil for a new account.
    public var lineage: String?
    /// The ledger serial the plan was made against; 0 for a new account.
    public var serial: Int
    /// The clock the plan was made with.
    public var now: Date
    /// Non-nil when the account row is created or edited.
    public var accountChange: AccountChange?
    /// In apply order; every prefix keeps the rules true.
    public var changes: [Change]
    public var deferred: [Deferral]
    /// Errors and warnings, in output order.
    public var diagnostics: [Diagnostic]
    /// True when the deferrals differ from those the ledger records, so an
    /// apply writes even without changes (to record or drop them).
    public var rewritesDeferrals: Bool
    /// What the change set costs; nil when it has errors.
    public var billing: BillingEffect?

    public init(account: String, lineage: String?, serial: Int, now: Date, accountChange: AccountChange? = nil,
                changes: [Change] = [], deferred: [Deferral] = [], diagnostics: [Diagnostic] = [],
                rewritesDeferrals: Bool = false) {
        self.account = account
        self.lineage = lineage
        self.serial = serial
        self.now = now
        self.accountChange = accountChange
        self.changes = changes
        self.deferred = deferred
        self.diagnostics = diagnostics
        self.rewritesDeferrals = rewritesDeferrals
    }

    public var errors: [Diagnostic] { diagnostics.errors }
    public var warnings: [Diagnostic] { diagnostics.warnings }
    public var hasErrors: Bool { diagnostics.hasErrors }
    /// True when applying would change the ledger.
    public var hasChanges: Bool { !changes.isEmpty || accountChange != nil }

    /// Counts per action: licenses for buy/remove, users for the rest.
    public var summary: [ChangeAction: Int] {
        var counts = Dictionary(uniqueKeysWithValues: ChangeAction.allCases.map { ($0, 0) })
        for change in changes { counts[change.action, default: 0] += change.summaryCount }
        return counts
    }
}
