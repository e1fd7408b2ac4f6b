/// A user's role in an account.
public enum Role: String, Sendable, Codable, CaseIterable, Comparable {
    case administrator, manager, user

    private var rank: Int {
        switch self {
        case .administrator: return 0
        case .manager: return 1
        case .user: return 2
        }
    }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }
}

/// A value together with where the desired-state file wrote it.
public struct Located<Value: Hashable & Sendable>: Hashable, Sendable {
    public var value: Value
    /// nil for values that did not come from a file (defaults, tests).
    public var location: SourceLocation?

    public init(_ value: Value, at location: SourceLocation? = nil) {
        self.value = value
        self.location = location
    }
}

/// How many licenses the file wants for a plan.
public enum LicenseCount: Hashable, Sendable {
    /// Exactly this many.
    case exact(Int)
    /// As many as the users holding the plan, plus the plan's headroom.
    case auto
}

/// Optional safety limits for apply (`guards:` in the file).
public struct Guards: Hashable, Sendable {
    public var maxUnassignments: Located<Int>?
    /// A decimal amount in the catalog's currency, as written (`"2500.00"`).
    public var maxChargeNow: Located<String>?

    public init(maxUnassignments: Located<Int>? = nil, maxChargeNow: Located<String>? = nil) {
        self.maxUnassignments = maxUnassignments
        self.maxChargeNow = maxChargeNow
    }
}

/// One entry under `plans:`.
public struct DesiredPlan: Hashable, Sendable {
    public var id: Located<String>
    public var licenses: Located<LicenseCount>
    public var headroom: Located<Int>

    public init(id: Located<String>, licenses: Located<LicenseCount>, headroom: Located<Int> = Located(0)) {
        self.id = id
        self.licenses = licenses
        self.headroom = headroom
    }
}

/// One entry under `users:`.
public struct DesiredUser: Hashable, Sendable {
    /// The email, lower-cased: users compare case-insensitively.
    public var email: String
    /// Where the email key is written.
    public var location: SourceLocation?
    /// nil leaves the name the ledger has.
    public var name: Located<String>?
    /// `user` when the file does not say.
    public var role: Located<Role>
    public var plans: [Located<String>]
    public var isPaused: Located<Bool>
    public var isExternal: Located<Bool>

    public init(email: String, at location: SourceLocation? = nil, name: Located<String>? = nil,
                role: Located<Role> = Located(.user), plans: [Located<String>] = [],
                isPaused: Located<Bool> = Located(false), isExternal: Located<Bool> = Located(false)) {
        self.email = email.lowercasedIfNeeded()
        self.location = location
        self.name = name
        self.role = role
        self.plans = plans
        self.isPaused = isPaused
        self.isExternal = isExternal
    }
}

/// Everything a desired-state file declares, with the position of every value
/// so that rules can point at the line that breaks them.
public struct DesiredState: Hashable, Sendable {
    /// The file's name as given on the command line.
    public var file: String
    public var account: Located<String>
    public var kind: Located<AccountKind>
    public var name: Located<String>?
    public var emailDomains: [Located<String>]
    public var blockedDomains: [Located<String>]
    /// IANA time zone identifier; `UTC` when the file does not say.
    public var timezone: Located<String>
    public var prune: Located<Bool>
    /// Self-employed accounts only: deactivating the one user closes the account.
    public var closeAccount: Located<Bool>
    public var guards: Guards
    /// In file order.
    public var plans: [DesiredPlan]
    /// In file order; emails are unique (the loader rejects duplicates).
    public var users: [DesiredUser]
    /// Where the `users:` key is, for rules about the users as a whole.
    public var usersLocation: SourceLocation?
    /// Where the `plans:` key is.
    public var plansLocation: SourceLocation?

    public init(file: String, account: Located<String>, kind: Located<AccountKind>, name: Located<String>? = nil,
                emailDomains: [Located<String>] = [], blockedDomains: [Located<String>] = [],
                timezone: Located<String> = Located("UTC"), prune: Located<Bool> = Located(false),
                closeAccount: Located<Bool> = Located(false), guards: Guards = Guards(),
                plans: [DesiredPlan] = [], users: [DesiredUser] = [],
                usersLocation: SourceLocation? = nil, plansLocation: SourceLocation? = nil) {
        self.file = file
        self.account = account
        self.kind = kind
        self.name = name
        self.emailDomains = emailDomains
        self.blockedDomains = blockedDomains
        self.timezone = timezone
        self.prune = prune
        self.closeAccount = closeAccount
        self.guards = guards
        self.plans = plans
        self.users = users
        self.usersLocation = usersLocation
        self.plansLocation = plansLocation
    }
}
