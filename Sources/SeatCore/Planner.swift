import Foundation

/// Turns a desired state and a ledger snapshot into a ``ChangeSet``.
///
/// The planner is a pure function of its inputs: the same file, ledger,
/// catalog and clock give the same change set. It works in a constant number
/// of passes over users and licenses (hash maps, no nested scans), so a
/// 100,000-user account plans in time proportional to its size.
public struct Planner: Sendable {
    public var catalog: Catalog

    public init(catalog: Catalog) {
        self.catalog = catalog
    }

    public func plan(_ desired: DesiredState, against ledger: LedgerSnapshot, now: Date) -> ChangeSet {
        plan(desired, against: ledger, now: now, pricedBy: BillingEffect.pricingEngine(now: now, catalog: catalog)).changeSet
    }

    /// Plans as ``plan(_:against:now:)`` does, pricing the change set with
    /// `engine`, the engine that is to apply it: the rows it computed for
    /// `ledger` come back with the change set (nil when the plan has errors
    /// or nothing for the engine to do), so an apply that finds the ledger
    /// exactly as `ledger` persists them without working them out again.
    public func plan(_ desired: DesiredState, against ledger: LedgerSnapshot, now: Date,
                     pricedBy engine: ApplyEngine) -> (changeSet: ChangeSet, writes: LedgerWrites?) {
        price(changes(desired, against: LedgerIndex(ledger, now: now), now: now), of: desired, on: ledger, engine: engine)
    }

    // The steps of a plan, for a caller that works some of them out ahead,
    // or on another thread: ``LedgerIndex`` and ``fileDiagnostics(_:)``
    // while the file loads, ``BillingEffect/currentInvoice(of:catalog:)``
    // while the change set is worked out.

    /// The rules of the file alone, as a plan checks them: the ones that
    /// need the ledger (assigned counts, the last administrator) are
    /// checked against it by ``changes(_:against:now:fileDiagnostics:)``.
    public func fileDiagnostics(_ desired: DesiredState) -> [Diagnostic] {
        FileRules.check(desired, catalog: catalog, checksAssignedCounts: false, checksAdministrators: false)
    }

    /// The change set that brings `ledger` to `desired`, without its
    /// billing. `fileDiagnostics`, when given, must be
    /// ``fileDiagnostics(_:)`` of `desired`.
    public func changes(_ desired: DesiredState, against ledger: LedgerIndex, now: Date,
                        fileDiagnostics: [Diagnostic]? = nil) -> ChangeSet {
        var work = PlanWork(desired: desired, index: ledger, catalog: catalog, now: now)
        work.run(fileDiagnostics: fileDiagnostics ?? self.fileDiagnostics(desired))
        return work.result()
    }

    /// `set` with its billing, worked out by `engine` on `ledger`, and the
    /// rows the engine computed (see ``plan(_:against:now:pricedBy:)``).
    /// `currentInvoice`, when given, must be
    /// ``BillingEffect/currentInvoice(of:catalog:)`` of `ledger`.
    public func price(_ set: ChangeSet, of desired: DesiredState, on ledger: LedgerSnapshot, engine: ApplyEngine,
                      currentInvoice: Invoice? = nil) -> (changeSet: ChangeSet, writes: LedgerWrites?) {
        var set = set
        guard !set.hasErrors else { return (set, nil) }
        do {
            let (billing, writes) = try BillingEffect.compute(set, on: ledger, catalog: catalog, engine: engine,
                                                              currentInvoice: currentInvoice)
            set.billing = billing
            return (set, writes)
        } catch let error as ApplyError where error.code == .storageAllowance {
            // `storage_allowance`: point at the first plan whose removal is to blame.
            let plan = set.changes.first { $0.action == .remove }?.plan
            let location = desired.plans.first { $0.id.value == plan }?.licenses.location ?? desired.plansLocation
            set.diagnostics.append(.error(.storageAllowance, error.reason, at: location,
                                          hint: "remove fewer licenses, or lower the recorded usage first (`seatctl usage set`)"))
            set.diagnostics = set.diagnostics.sortedForOutput()
        } catch {
            // Any other failure is the apply's to report; the plan shows no billing.
        }
        return (set, nil)
    }
}

private struct PlanWork {
    let desired: DesiredState
    let ledger: LedgerSnapshot
    let catalog: Catalog
    let now: Date
    let today: Day
    let kind: AccountKind

    var diagnostics: [Diagnostic] = []
    var deferred: [Deferral] = []
    var accountChange: AccountChange?

    var addUsers: [(Role, String, Change)] = []
    var promotions: [Change] = []
    var demotions: [Change] = []
    var buys: [Change] = []
    var assigns: [(String, String, Change)] = []
    var resumes: [Change] = []
    var pauses: [Change] = []
    var unassigns: [(String, String, Change)] = []
    var terminations: [Change] = []
    var removals: [Change] = []

    /// The ledger by email, and by plan.
    let index: LedgerIndex
    /// By slot in `index`: set while planning when the file lists the email.
    var isInFile: [Bool]
    /// Licenses freed by unassignments in this change set, by plan.
    var freed: [String: [License]] = [:]
    /// Users who keep their license of a plan, by the plan's position in
    /// `index.plans` (only a plan of a ledger license can be kept).
    var keptHolders: [Int]
    /// Of the kept holders, those not in the file.
    var unmanagedHolders: [String: Int] = [:]
    /// Users who need a license of a plan they don't hold, by plan.
    var newHolders: [String: [String]] = [:]
    /// The holdings of the user being planned, kept between users so that
    /// their arrays are allocated once (see ``LedgerIndex/holdings(_:into:)``).
    var spareHoldings = Holdings()

    init(desired: DesiredState, index: LedgerIndex, catalog: Catalog, now: Date) {
        let ledger = index.snapshot
        self.desired = desired
        self.ledger = ledger
        self.catalog = catalog
        self.now = now
        self.kind = desired.kind.value
        let today = Day(now, inZoneNamed: ledger.account?.timezone ?? desired.timezone.value)
        self.today = today
        self.index = index.today == today ? index : LedgerIndex(ledger, today: today)
        self.isInFile = Array(repeating: false, count: self.index.entries.count)
        self.keptHolders = Array(repeating: 0, count: self.index.plans.count)
    }

    mutating func run(fileDiagnostics: [Diagnostic]) {
        diagnostics = fileDiagnostics
        checkAccount()
        planUsers()
        planLicenses()
        checkAdministrators()
        if kind == .selfEmployed { checkSelfEmployed() }
    }

    // MARK: Account

    mutating func checkAccount() {
        let id = desired.account.value
        guard let account = ledger.account else {
            if desired.closeAccount.value {
                diagnostics.append(Diagnostic(.error, code: RuleCode.invalidValue.rawValue,
                    "account \"\(id)\" does not exist, so there is nothing to close", at: desired.closeAccount.location))
            }
            accountChange = AccountChange(id: id, kind: kind, isNew: true, name: desired.name?.value, timezone: desired.timezone.value)
            return
        }
        if account.status == .closed {
            diagnostics.append(.error(.accountClosed, "account \"\(id)\" is closed; nothing more can be applied to it",
                                      at: desired.account.location))
        }
        if account.kind != kind {
            diagnostics.append(.error(.selfEmployedFixed,
                "account \"\(id)\" is \(account.kind.rawValue); an account's kind is fixed once applied",
                at: desired.kind.location, hint: "write `kind: \(account.kind.rawValue)`"))
        }
        let name = desired.name?.value ?? account.name
        if name != account.name || desired.timezone.value != account.timezone {
            accountChange = AccountChange(id: id, kind: account.kind, isNew: false, name: name, timezone: desired.timezone.value,
                                          previousName: account.name, previousTimezone: account.timezone)
        }
    }

    // MARK: Ledger index

    /// The ledger's entry for `email`, if it has one.
    func entry(_ email: String) -> LedgerEntry? {
        index.slot(of: email).map { index.entries[$0] }
    }

    // MARK: Users and subscriptions

    mutating func unassign(_ email: String, _ license: License) {
        unassigns.append((license.plan, email, .unassign(email: email, plan: license.plan, license: license.code)))
        freed[license.plan, default: []].append(license)
    }

    mutating func planUsers() {
        for user in desired.users { planUser(user) }
        // Users in the ledger but not in the file: kept (and warned about) or pruned.
        let others = index.entries.indices.compactMap { slot -> (LedgerUser, Holdings)? in
            let entry = index.entries[slot]
            guard !isInFile[slot], let user = index.user(entry), user.status == .active else { return nil }
            return (user, index.holdings(entry))
        }.sorted { $0.0.email < $1.0.email }
        for (user, held) in others {
            if desired.prune.value || (kind == .selfEmployed && desired.closeAccount.value) {
                for license in held.all { unassign(user.email, license) }
                terminations.append(.terminateUser(email: user.email))
            } else {
                diagnostics.append(.warning(.unmanagedUser,
                    "\(user.email) is in the ledger but not in this file; it is left as it is because prune is false",
                    at: desired.usersLocation, hint: "add it to users:, or set `prune: true` to terminate users not in the file"))
                for license in held.current {
                    keptHolders[index.planPosition(ofLicense: license)] += 1
                    unmanagedHolders[held.plan(license), default: 0] += 1
                }
            }
        }
    }

    mutating func planUser(_ user: DesiredUser) {
        let email = user.email
        let attributes = UserAttributes(name: user.name?.value, role: effectiveRole(user), isExternal: user.isExternal.value)
        var entry = LedgerEntry()
        if let slot = index.slot(of: email) {
            isInFile[slot] = true
            entry = index.entries[slot]
        }
        if let existing = index.user(entry), existing.status == .active {
            let wanted = UserAttributes(name: user.name?.value ?? existing.name, role: attributes.role, isExternal: attributes.isExternal)
            let current = UserAttributes(name: existing.name, role: existing.role, isExternal: existing.isExternal)
            if wanted != current {
                let change = Change.updateUser(email: email, from: current, to: wanted)
                if current.role == .administrator && wanted.role != .administrator { demotions.append(change) } else { promotions.append(change) }
            }
        } else {
            addUsers.append((attributes.role, email, .addUser(email: email, attributes)))
        }

        var held = Holdings()
        swap(&held, &spareHoldings)
        defer { swap(&held, &spareHoldings) }
        index.holdings(entry, into: &held)
        let wanted = user.isExternal.value ? [] : user.plans
        // A user lists a handful of plans: a scan beats hashing; a long list gets a set.
        let wantedSet = wanted.count > 16 ? Set(wanted.map(\.value)) : []
        func wants(_ plan: String) -> Bool {
            wanted.count > 16 ? wantedSet.contains(plan) : wanted.contains { $0.value == plan }
        }
        for license in held.expired.map({ held[$0] }).sorted(by: License.olderFirst) {
            diagnostics.append(.warning(.licenseExpired,
                "license \(license.code) of plan \"\(license.plan)\" held by \(email) expired\(license.endDate.map { " on \($0)" } ?? ""); it is unassigned\(wants(license.plan) ? " and another license of the plan is assigned" : "")",
                at: user.location))
            unassign(email, license)
        }
        var willBePaused = false
        var willBeActive = false
        // Only the list the user's change needs is built: active plans for a pause, paused ones for a resume.
        var pausedPlans: [String] = []
        var activePlans: [String] = []
        func keep(_ plan: String, position: Int, status: LicenseStatus) {
            keptHolders[position] += 1
            if status == .paused {
                willBePaused = true
                if !user.isPaused.value { pausedPlans.append(plan) }
            } else {
                willBeActive = true
                if user.isPaused.value { activePlans.append(plan) }
            }
        }
        if held.isOnePerPlan {
            for license in held.current {
                let plan = held.plan(license)
                if wants(plan) {
                    keep(plan, position: index.planPosition(ofLicense: license), status: held.status(license))
                } else {
                    unassign(email, held[license])
                }
            }
        } else {
            for (plan, licenses) in held.byPlan {
                let kept = wants(plan) ? licenses.first : nil
                for license in licenses where license != kept { unassign(email, license) }
                // A kept license is the ledger's, so its plan has a position.
                if let kept { keep(plan, position: index.planPosition(of: plan)!, status: kept.status) }
            }
        }
        for located in wanted where !held.holds(located.value) && catalog[located.value]?.isOffered(to: kind) == true {
            let plan = located.value
            newHolders[plan, default: []].append(email)
            willBeActive = true
            if user.isPaused.value { activePlans.append(plan) }
        }
        if user.isPaused.value, willBeActive {
            pauses.append(.pause(email: email, plans: activePlans.sorted()))
        } else if !user.isPaused.value, willBePaused {
            resumes.append(.resume(email: email, plans: pausedPlans.sorted()))
        }
    }

    /// Self-employed users are administrators whether or not the file says so.
    func effectiveRole(_ user: DesiredUser) -> Role {
        kind == .selfEmployed && user.role.location == nil ? .administrator : user.role.value
    }

    // MARK: Licenses per plan

    mutating func planLicenses() {
        let declared = Dictionary(desired.plans.map { ($0.id.value, $0) }, uniquingKeysWith: { a, _ in a })
        let planIDs = Set(declared.keys).union(index.ownedCounts.keys).union(newHolders.keys).sorted()
        for id in planIDs {
            let declaration = declared[id]
            if declaration != nil, catalog[id]?.isOffered(to: kind) != true { continue } // reported by FileRules
            let ownedCount = index.ownedCounts[id] ?? 0
            let kept = index.planPosition(of: id).map { keptHolders[$0] } ?? 0
            let newcomers = newHolders[id] ?? []
            if declaration == nil && !newcomers.isEmpty { continue } // reported by FileRules
            let target: Int
            switch declaration?.licenses.value {
            case .exact(let n)?: target = n
            case .auto?: target = kept + newcomers.count + (declaration?.headroom.value ?? 0)
            case nil: target = 0
            }
            let needed = kept + newcomers.count
            if needed > target {
                let location = declaration?.licenses.location ?? desired.plansLocation
                if declaration == nil {
                    diagnostics.append(.error(.assignedLicense,
                        "plan \"\(id)\" is not declared, so its licenses would be removed, but \(kept) user\(kept == 1 ? "" : "s") not in this file hold it",
                        at: location, hint: "declare it under plans: with `licenses: auto`, or set `prune: true`"))
                } else {
                    diagnostics.append(FileRules.assignedCount(plan: id, declared: target, holders: needed,
                                                               unmanaged: unmanagedHolders[id] ?? 0, at: location))
                }
                continue
            }
            // The pool of unassigned licenses after this change set's unassignments.
            // Unassigning resumes a paused license, so freed ones join as active.
            // Active licenses are taken before paused ones, each oldest first.
            let pool = ((index.unassigned[id] ?? []) + (freed[id] ?? []).filter { $0.effectiveStatus(on: today) != .expired })
                .map { license -> License in
                    var license = license
                    if license.assignedTo != nil { license.status = .active }
                    return license
                }
                .sorted(by: License.assignmentOrder)
            if target > ownedCount {
                buys.append(.buy(plan: id, count: target - ownedCount, from: ownedCount, to: target))
            }
            var next = 0
            for email in newcomers.sorted() {
                // Assignments take the oldest unassigned license; active ones first.
                let code: String?
                if next < pool.count { code = pool[next].code; next += 1 } else { code = nil }
                assigns.append((id, email, .assign(email: email, plan: id, license: code)))
            }
            if target < ownedCount {
                let count = ownedCount - target
                // Removals take the newest unassigned licenses.
                let candidates = pool[next...].sorted(by: License.olderFirst).suffix(count).reversed()
                if let until = contractHold(plan: id) {
                    deferred.append(Deferral(action: .remove, plan: id, count: count, code: .contractTerm, until: until,
                                             location: declaration?.licenses.location ?? desired.plansLocation))
                } else {
                    removals.append(.remove(plan: id, count: count, from: ownedCount, to: target,
                                            licenses: candidates.map(\.code)))
                }
            }
        }
    }

    /// For a contracted plan: the renewal day a removal must wait for, or nil
    /// when removing is allowed today.
    func contractHold(plan: String) -> Day? {
        ContractTerm.hold(plan: plan, catalog: catalog, ledger: ledger, today: today)
    }

    // MARK: Rules over the end state

    mutating func checkAdministrators() {
        guard kind == .enterprise, accountChange?.closes != true else { return }
        var count = 0
        // Each user's fields are read in place, not the user copied.
        let users = desired.users
        for index in users.indices where users[index].role.value == .administrator && !users[index].isPaused.value { count += 1 }
        if !desired.prune.value {
            for (slot, entry) in index.entries.enumerated() where !isInFile[slot] {
                guard let user = index.user(entry), user.status == .active, user.role == .administrator else { continue }
                if !index.holdings(entry).isPaused { count += 1 }
            }
        }
        guard count == 0 else { return }
        // Point at the demotion or pause that removes the last administrator, if there is one.
        let culprit = desired.users.first { user in
            guard let existing = entry(user.email).flatMap(index.user), existing.role == .administrator, existing.status == .active else { return false }
            return user.role.value != .administrator || user.isPaused.value
        }
        let location = culprit.map { $0.role.value != .administrator ? ($0.role.location ?? $0.location) : ($0.isPaused.location ?? $0.location) }
        let message = culprit.map { "\($0.email) is the account's last active administrator and cannot be \($0.role.value != .administrator ? "demoted" : "paused")" }
            ?? "an enterprise account keeps at least one active administrator, and this change set would leave none"
        diagnostics.append(.error(.lastAdministrator, message, at: location ?? desired.usersLocation ?? desired.account.location,
                                  hint: "promote another user to administrator first (in the same file)"))
    }

    mutating func checkSelfEmployed() {
        guard let account = ledger.account, account.kind == .selfEmployed else { return }
        if desired.closeAccount.value {
            accountChange = AccountChange(id: account.id, kind: account.kind, isNew: false, name: account.name,
                                          timezone: account.timezone, closes: true,
                                          previousName: account.name, previousTimezone: account.timezone)
            // Closing removes the bundle license too.
            var owned: [String: [License]] = [:]
            for license in ledger.licenses {
                let status = license.effectiveStatus(on: today)
                if status == .active || status == .paused { owned[license.plan, default: []].append(license) }
            }
            for (plan, licenses) in owned.sorted(by: { $0.key < $1.key }) where !removals.contains(where: { $0.plan == plan }) {
                removals.append(.remove(plan: plan, count: licenses.count, from: licenses.count, to: 0,
                                        licenses: licenses.sorted(by: License.olderFirst).reversed().map(\.code)))
            }
            deferred.removeAll()
            return
        }
        let holder = ledger.users.first { $0.status == .active }
        if holder != nil, desired.users.isEmpty {
            diagnostics.append(.error(.selfEmployedFixed,
                "deactivating the one user of self-employed account \"\(account.id)\" closes the account",
                at: desired.usersLocation ?? desired.account.location, hint: "set `closeAccount: true` to close it"))
        }
        for (_, email, _) in addUsers where holder != nil {
            let location = desired.users.first { $0.email == email }?.location
            diagnostics.append(.error(.selfEmployedFixed, "users cannot be added to self-employed account \"\(account.id)\"; \(email) is not its user",
                                      at: location, hint: holder.map { "the account's user is \($0.email)" }))
        }
        let planLocation = desired.plans.first?.licenses.location ?? desired.plansLocation
        if !buys.isEmpty || !removals.isEmpty || !deferred.isEmpty {
            diagnostics.append(.error(.selfEmployedFixed,
                "a self-employed account holds exactly one license; licenses cannot be added or removed", at: planLocation))
        }
        if holder != nil, addUsers.isEmpty, !unassigns.isEmpty || !assigns.isEmpty {
            diagnostics.append(.error(.selfEmployedFixed,
                "the license of a self-employed account cannot be unassigned or moved to another plan",
                at: desired.users.first?.plans.first?.location ?? planLocation))
        }
        for case .updateUser(let email, let from, let to) in demotions + promotions where from.role != to.role || from.isExternal != to.isExternal {
            diagnostics.append(.error(.selfEmployedFixed, "the one user of a self-employed account stays its administrator; \(email) cannot change role",
                                      at: desired.users.first { $0.email == email }?.role.location))
        }
    }

    // MARK: Result

    func result() -> ChangeSet {
        var changes: [Change] = []
        changes.reserveCapacity(addUsers.count + assigns.count + unassigns.count + promotions.count + demotions.count
                                + buys.count + resumes.count + pauses.count + terminations.count + removals.count)
        // Order keeps every rule true after each step: whatever adds an active
        // administrator (add, promote, resume) comes before whatever takes one
        // away (demote, pause, terminate); unassignments free licenses before
        // assignments reuse them and before removals take them.
        Self.append(addUsers, to: &changes)
        Self.append(unassigns, to: &changes)
        changes += promotions.sorted(by: Self.byUser)
        changes += buys
        Self.append(assigns, to: &changes)
        changes += resumes.sorted(by: Self.byUser)
        changes += demotions.sorted(by: Self.byUser)
        changes += pauses.sorted(by: Self.byUser)
        changes += terminations.sorted(by: Self.byUser)
        changes += removals
        return ChangeSet(account: desired.account.value, lineage: ledger.account?.lineage, serial: ledger.account?.serial ?? 0,
                         now: now, accountChange: accountChange, changes: changes,
                         deferred: deferred.sorted { $0.plan < $1.plan }, diagnostics: diagnostics.sortedForOutput(),
                         rewritesDeferrals: Set(deferred.map(RecordedDeferral.init)) != Set(ledger.deferrals))
    }

    static func byUser(_ a: Change, _ b: Change) -> Bool { (a.user ?? "") < (b.user ?? "") }

    /// Appends the changes ordered by their two keys (a role or a plan, then
    /// an e-mail), equal keys as they came. A first apply of 1,000,000 users
    /// orders as many additions and twice as many assignments: their
    /// positions are ordered, each key read where it is, and each change
    /// copied once, into `changes`.
    static func append<Key: Hashable & Comparable>(_ entries: [(Key, String, Change)], to changes: inout [Change]) {
        for position in groupedOrder(count: entries.count, key: { entries[$0].0 }, by: { entries[$0].1 < entries[$1].1 }) {
            changes.append(entries[position].2)
        }
    }
}
