import Foundation

/// The apply engine's in-memory copy of the part of a snapshot a change set
/// can touch, changed step by step.
///
/// Users and licenses are kept in arrays and referred to by position: a
/// change looks its user's e-mail (and, when it names one, its license's
/// code) up once, and everything after that (the licenses a user holds, the
/// free licenses of a plan, what changed) is read and written by position.
/// Maps keyed by e-mail and code, looked up several times per change, took
/// a tenth of a first apply of 1,000,000 users, and their buckets, spread
/// over hundreds of megabytes, a cache miss each.
struct EngineState {
    var account: LedgerAccount
    let isNewAccount: Bool
    let actor: String
    let now: Date
    let today: Day

    /// The users the change set names, the administrators, and the holders
    /// of the licenses known here, at the positions `userAt` gives. A holder
    /// who is no user of the ledger has a position and no user.
    private var users: [LedgerUser?] = []
    private var userAt: [String: Int] = [:]
    private var userMarks: [UserMark] = []
    /// Positions of the changed users, in the order first changed: mostly
    /// the order `finish` sorts them in already.
    private var changedUsers: [Int] = []

    /// The licenses the change set can touch (named ones, the ones the
    /// users above hold, the unassigned ones, the ones bought), at the
    /// positions `licenseAt` gives.
    private var licenses: [License] = []
    private var licenseAt: [String: Int] = [:]
    private var licenseMarks: [LicenseMark] = []
    /// Positions of the changed licenses, in the order first changed.
    private var changedLicenses: [Int] = []

    /// Per plan: licenses owned, and the free ones in assignment order.
    private var plans: [PlanLicenses] = []
    private var planAt: [String: Int] = [:]

    private var contractStarts: [String: Day] = [:]
    private var newContractStarts: [String: Day] = [:]
    private var journal: [JournalEntry] = []
    private var nextSequence: Int64 = 1
    private var activeAdministrators = 0
    /// Purchases and removals in apply order, for billing.
    private(set) var billingEvents: [(removes: Bool, plan: String, codes: [String])] = []

    private struct UserMark {
        /// The first license the user holds (non-expired and owned), or -1;
        /// the others follow through ``LicenseMark/nextHeld``. A user holds
        /// a handful: a list through the licenses, not an array per user
        /// (1,000,000 allocations in a large account).
        var firstHeld: Int32 = -1
        var isChanged = false
    }

    private struct LicenseMark {
        var isChanged = false
        /// Unassigned, not expired and owned.
        var isFree = false
        /// The next license its holder holds, or -1.
        var nextHeld: Int32 = -1
    }

    private struct PlanLicenses {
        var owned = 0
        /// The licenses made free, in the order they were; some taken since,
        /// a few listed twice. Once ``isQueued``, the free ones in assignment
        /// order (active before paused, oldest first), taken from `next` on.
        var freed: [Int32] = []
        var isQueued = false
        var next = 0
    }

    init(changeSet: ChangeSet, snapshot: LedgerSnapshot, actor: String, now: Date, lineage: () -> String) throws {
        if let existing = snapshot.account {
            guard existing.id == changeSet.account, existing.lineage == changeSet.lineage, existing.serial == changeSet.serial else {
                throw ApplyError(step: 0, reason: "the ledger is not the one the change set was planned against")
            }
            account = existing
            isNewAccount = false
            if let change = changeSet.accountChange {
                guard !change.isNew else { throw ApplyError(step: 0, reason: "account \"\(existing.id)\" exists already") }
                account.name = change.name
                account.timezone = change.timezone
            }
        } else {
            guard let change = changeSet.accountChange, change.isNew, changeSet.lineage == nil, changeSet.serial == 0 else {
                throw ApplyError(step: 0, reason: "account \"\(changeSet.account)\" does not exist")
            }
            account = LedgerAccount(id: change.id, kind: change.kind, name: change.name, timezone: change.timezone,
                                    lineage: lineage(), serial: 0, createdAt: now)
            isNewAccount = true
        }
        guard account.status == .open else { throw ApplyError(step: 0, reason: "account \"\(account.id)\" is closed", code: .accountClosed) }
        self.actor = actor
        self.now = now
        today = Day(now, inZoneNamed: account.timezone)
        // Only what the change set can touch is indexed: the users it names
        // and the administrators (for the last-administrator rule), the
        // licenses those users hold, the unassigned ones, and the ones it
        // names. A 1 % change to a 100,000-user account then hashes a few
        // thousand rows, not all 300,000; the tables are sized once for what
        // the change set adds (a first apply grows them from nothing).
        var bought = 0, added = 0
        var named: Set<String> = []
        var relevant: Set<String> = []
        // A ledger without users or licenses has nothing to index: the users
        // a change set names (every user, in an account's first apply) are
        // not gathered in a set, which at 1,000,000 users took 1.2 s.
        let hasRows = !snapshot.users.isEmpty || !snapshot.licenses.isEmpty
        for change in changeSet.changes {
            if hasRows, let user = change.user { relevant.insert(user) }
            switch change {
            case .buy(_, let count, _, _): bought += count
            case .addUser: added += 1
            case .assign(_, _, let code?), .unassign(_, _, let code): named.insert(code)
            case .remove(_, _, _, _, let codes): named.formUnion(codes)
            default: break
            }
        }
        for user in snapshot.users where user.role == .administrator { relevant.insert(user.email) }
        // Every user added is a relevant one when the ledger has rows.
        let userCapacity = max(relevant.count, added)
        users.reserveCapacity(userCapacity)
        userAt.reserveCapacity(userCapacity)
        userMarks.reserveCapacity(userCapacity)
        changedUsers.reserveCapacity(added)
        // With the store's table of the users' e-mails, the relevant users are
        // found by slot, and a license's holder by its slot too, not by
        // hashing each of 100,000 e-mails (see `SnapshotEmails`).
        let emails = snapshot.emails
        var positionOfSlot: [Int32] = []
        if let emails {
            positionOfSlot = Array(repeating: -1, count: snapshot.users.count)
            for email in relevant {
                guard let slot = emails.users.slot(of: email) else { continue }
                positionOfSlot[slot] = Int32(newUserPosition(email, snapshot.users[slot]))
            }
        } else {
            for user in snapshot.users where relevant.contains(user.email) && userAt[user.email] == nil {
                _ = newUserPosition(user.email, user)
            }
        }
        licenses.reserveCapacity(bought + named.count)
        licenseAt.reserveCapacity(bought + named.count)
        licenseMarks.reserveCapacity(bought + named.count)
        changedLicenses.reserveCapacity(bought)
        // One entry per change, and a few for the account: 3,000,000 in a
        // first apply of 1,000,000 users, not copied at each doubling.
        journal.reserveCapacity(changeSet.changes.count + 4)
        contractStarts = snapshot.contractStarts
        var highest: Int64 = 0
        let namedCodes = CodeSet(named)
        var ownedCounts = RunCounts<String>()
        // Each license's fields are read where they are, and the license
        // copied only when indexed: a copy takes a reference to its holder's
        // string, a cache miss per license in a large account.
        let all = snapshot.licenses
        for index in all.indices {
            highest = max(highest, all[index].sequence)
            let isNamed = namedCodes.contains(all[index].code)
            var holder = -1
            var isFree = false
            switch License.effectiveStatus(all[index].status, endDate: all[index].endDate, on: today) {
            case .active, .paused:
                ownedCounts.add(all[index].plan)
                let slot = emails.map { Int($0.holders[index]) } ?? -1
                if slot >= 0 {
                    // A holder who is a user of the ledger: its string is not read unless relevant.
                    if positionOfSlot[slot] >= 0 { holder = Int(positionOfSlot[slot]) }
                } else if let email = all[index].assignedTo {
                    if relevant.contains(email) { holder = userAt[email] ?? newUserPosition(email, nil) }
                } else {
                    isFree = true
                }
            case .expired, .removed:
                break
            }
            guard isNamed || holder >= 0 || isFree else { continue }
            let position = licenseAt[all[index].code] ?? newLicensePosition(all[index])
            if holder >= 0 { hold(position, by: holder) }
            if isFree { makeFree(position, plan: plan(licenses[position].plan)) }
        }
        nextSequence = highest + 1
        for (plan, count) in ownedCounts.totals { plans[self.plan(plan)].owned = count }
        activeAdministrators = users.indices.count { isActiveAdministrator($0) }
    }

    // MARK: - Positions

    private mutating func newUserPosition(_ email: String, _ user: LedgerUser?) -> Int {
        let position = users.count
        users.append(user)
        userAt[email] = position
        userMarks.append(UserMark())
        return position
    }

    private mutating func newLicensePosition(_ license: License) -> Int {
        let position = licenses.count
        licenses.append(license)
        licenseAt[license.code] = position
        licenseMarks.append(LicenseMark())
        return position
    }

    /// The plan's position, added when new.
    private mutating func plan(_ id: String) -> Int {
        if let position = planAt[id] { return position }
        plans.append(PlanLicenses())
        planAt[id] = plans.count - 1
        return plans.count - 1
    }

    private mutating func userChanged(_ position: Int) {
        if !userMarks[position].isChanged {
            userMarks[position].isChanged = true
            changedUsers.append(position)
        }
    }

    private mutating func licenseChanged(_ position: Int) {
        if !licenseMarks[position].isChanged {
            licenseMarks[position].isChanged = true
            changedLicenses.append(position)
        }
    }

    /// The licenses the user at `position` holds, in no particular order.
    private func held(by position: Int) -> [Int] {
        var held: [Int] = []
        var next = userMarks[position].firstHeld
        while next >= 0 {
            held.append(Int(next))
            next = licenseMarks[Int(next)].nextHeld
        }
        return held
    }

    /// Whether the user at `position` holds a license (given by its
    /// position, to be read in place) that meets `condition`.
    private func holdsAny(_ position: Int, where condition: (Int) -> Bool) -> Bool {
        var next = userMarks[position].firstHeld
        while next >= 0 {
            if condition(Int(next)) { return true }
            next = licenseMarks[Int(next)].nextHeld
        }
        return false
    }

    /// Adds the license to what the user holds, unless it is there already
    /// (a snapshot that lists a code twice): linked twice, the list would
    /// loop.
    private mutating func hold(_ license: Int, by user: Int) {
        guard !holdsAny(user, where: { $0 == license }) else { return }
        licenseMarks[license].nextHeld = userMarks[user].firstHeld
        userMarks[user].firstHeld = Int32(license)
    }

    private mutating func release(_ license: Int, from user: Int) {
        var previous = -1
        var next = Int(userMarks[user].firstHeld)
        while next >= 0, next != license {
            previous = next
            next = Int(licenseMarks[next].nextHeld)
        }
        guard next == license else { return }
        if previous >= 0 {
            licenseMarks[previous].nextHeld = licenseMarks[license].nextHeld
        } else {
            userMarks[user].firstHeld = licenseMarks[license].nextHeld
        }
        licenseMarks[license].nextHeld = -1
    }

    private mutating func makeFree(_ license: Int, plan: Int) {
        licenseMarks[license].isFree = true
        plans[plan].freed.append(Int32(license))
        plans[plan].isQueued = false
    }

    /// The license of `plan` with `code`, if it is free.
    private func freeLicense(_ code: String, of plan: String) -> Int? {
        guard let position = licenseAt[code], licenseMarks[position].isFree, licenses[position].plan == plan else { return nil }
        return position
    }

    private func isActiveAdministrator(_ position: Int) -> Bool {
        // Read in place: a copy would count the references to the user's strings.
        guard users[position]?.status == .active, users[position]?.role == .administrator else { return false }
        return userMarks[position].firstHeld < 0 || holdsAny(position) { licenses[$0].status != .paused }
    }

    // MARK: - Journal

    mutating func log(_ action: ChangeAction, _ subject: String, from: String?, to: String?) {
        log(action.rawValue, subject, from: from, to: to)
    }

    /// Journals an action that is not a change of the change set:
    /// `create_account`, `update_account`, `close_account`, `defer`.
    mutating func log(_ action: String, _ subject: String, from: String?, to: String?) {
        journal.append(JournalEntry(at: now, account: account.id, actor: actor, action: action, subject: subject,
                                    from: from, to: to, serial: account.serial + 1))
    }

    mutating func logAccountChange(_ change: AccountChange?, previous: LedgerAccount?) {
        guard let change, !change.closes else { return }
        func describe(_ name: String?, _ timezone: String) -> String {
            (name.map { "name=\($0) " } ?? "") + "timezone=\(timezone)"
        }
        if let previous {
            log("update_account", account.id, from: describe(previous.name, previous.timezone), to: describe(change.name, change.timezone))
        } else {
            log("create_account", account.id, from: nil, to: "kind=\(change.kind.rawValue) " + describe(change.name, change.timezone))
        }
    }

    func describe(_ attributes: UserAttributes) -> String {
        var parts = ["role=\(attributes.role.rawValue)"]
        if let name = attributes.name { parts.append("name=\(name)") }
        if attributes.isExternal { parts.append("external") }
        return parts.joined(separator: " ")
    }

    // MARK: - Changes

    /// `position` (the change's user's, looked up once per change) if it
    /// is an active user's.
    private func activeUser(_ email: String, at position: Int?) throws -> Int {
        guard let position, users[position]?.status == .active else {
            throw ApplyError(step: 0, reason: "user \(email) is not an active user of the account")
        }
        return position
    }

    /// `newCode` draws a license code that `isUsed` (its argument) refuses.
    mutating func apply(_ change: Change, newCode: ((String) -> Bool) throws -> String) throws {
        var subject = change.user.flatMap { userAt[$0] }
        // Not `subject.map(isActiveAdministrator)`: a method passed as a
        // function takes a copy of the whole state, at every change.
        let wasAdministrator = if let subject { isActiveAdministrator(subject) } else { false }
        let adminsBefore = activeAdministrators
        switch change {
        case let .addUser(email, attributes):
            let previous = subject.flatMap { users[$0] }
            if previous?.status == .active { throw ApplyError(step: 0, reason: "user \(email) exists already") }
            let user = LedgerUser(email: email, name: attributes.name, role: attributes.role, isExternal: attributes.isExternal, status: .active)
            if let subject {
                users[subject] = user
            } else {
                subject = newUserPosition(email, user)
            }
            userChanged(subject!)
            log(.addUser, email, from: previous.map { _ in "terminated" }, to: describe(attributes))

        case let .updateUser(email, from, to):
            let position = try activeUser(email, at: subject)
            guard let user = users[position], UserAttributes(name: user.name, role: user.role, isExternal: user.isExternal) == from else {
                throw ApplyError(step: 0, reason: "user \(email) changed since the plan was made")
            }
            users[position]!.name = to.name
            users[position]!.role = to.role
            users[position]!.isExternal = to.isExternal
            userChanged(position)
            log(.updateUser, email, from: describe(from), to: describe(to))

        case let .buy(planID, count, from, to):
            let plan = plan(planID)
            guard plans[plan].owned == from, to == from + count, count > 0 else {
                throw ApplyError(step: 0, reason: "plan \"\(planID)\" has \(plans[plan].owned) licenses, not \(from)")
            }
            // Codes drawn earlier in this apply are known here; one the
            // snapshot holds already is found after drawing (`collisions`).
            let bought = try LicenseCode.sortedUnique(count: count) { drawn in try newCode { licenseAt[$0] != nil || drawn.contains($0) } }
            plans[plan].freed.reserveCapacity(plans[plan].freed.count + count)
            for code in bought {
                let position = newLicensePosition(License(code: code, plan: planID, status: .active, createdAt: now, sequence: nextSequence))
                nextSequence += 1
                licenseChanged(position)
                makeFree(position, plan: plan)
            }
            plans[plan].owned = to
            billingEvents.append((false, planID, bought))
            if contractStarts[planID] == nil {
                contractStarts[planID] = today
                newContractStarts[planID] = today
            }
            log(.buy, planID, from: String(from), to: String(to))

        case let .assign(email, planID, code):
            let user = try activeUser(email, at: subject)
            if holdsAny(user, where: { licenses[$0].plan == planID }) {
                throw ApplyError(step: 0, reason: "\(email) holds a license of \"\(planID)\" already")
            }
            let chosen: Int
            if let code {
                guard let position = freeLicense(code, of: planID) else { throw ApplyError(step: 0, reason: "license \(code) of \"\(planID)\" is not free") }
                chosen = position
            } else {
                guard let oldest = nextFree(plan(planID)) else { throw ApplyError(step: 0, reason: "no free license of \"\(planID)\" to assign to \(email)") }
                chosen = oldest
            }
            licenses[chosen].assignedTo = email
            licenses[chosen].status = .active
            if licenses[chosen].activatedAt == nil { licenses[chosen].activatedAt = now }
            licenseChanged(chosen)
            licenseMarks[chosen].isFree = false
            hold(chosen, by: user)
            log(.assign, email, from: nil, to: "\(planID) (\(licenses[chosen].code))")

        case let .resume(email, _), let .pause(email, _):
            let user = try activeUser(email, at: subject)
            let pausing = change.action == .pause
            var flipped: [String] = []
            for position in held(by: user).sorted(by: { licenses[$0].code < licenses[$1].code })
            where licenses[position].status == (pausing ? .active : .paused) {
                licenses[position].status = pausing ? .paused : .active
                licenseChanged(position)
                flipped.append("\(licenses[position].plan) (\(licenses[position].code))")
            }
            guard !flipped.isEmpty else { throw ApplyError(step: 0, reason: "\(email) holds no license to \(pausing ? "pause" : "resume")") }
            log(change.action, email, from: pausing ? "active" : "paused", to: (pausing ? "paused: " : "active: ") + flipped.joined(separator: ", "))

        case let .unassign(email, planID, code):
            guard let position = licenseAt[code], licenses[position].assignedTo == email, licenses[position].plan == planID else {
                throw ApplyError(step: 0, reason: "license \(code) of \"\(planID)\" is not assigned to \(email)")
            }
            licenses[position].assignedTo = nil
            let status = licenses[position].effectiveStatus(on: today)
            if licenses[position].status == .paused { licenses[position].status = .active }
            licenseChanged(position)
            if let subject { release(position, from: subject) }
            if status == .active || status == .paused { makeFree(position, plan: plan(planID)) }
            log(.unassign, email, from: "\(planID) (\(code))", to: nil)

        case let .terminateUser(email):
            let position = try activeUser(email, at: subject)
            let holds = held(by: position).count
            if holds > 0 { throw ApplyError(step: 0, reason: "\(email) still holds \(holds) license(s)") }
            users[position]!.status = .terminated
            userChanged(position)
            log(.terminateUser, email, from: "active", to: "terminated")

        case let .remove(planID, count, from, to, codes):
            let plan = plan(planID)
            guard plans[plan].owned == from, to == from - count, codes.count == count, Set(codes).count == count else {
                throw ApplyError(step: 0, reason: "plan \"\(planID)\" has \(plans[plan].owned) licenses, not \(from)")
            }
            for code in codes {
                guard let position = freeLicense(code, of: planID) else {
                    throw ApplyError(step: 0, reason: "license \(code) of \"\(planID)\" is assigned or not owned", code: .assignedLicense)
                }
                licenses[position].status = .removed
                licenses[position].endDate = today
                licenseChanged(position)
                licenseMarks[position].isFree = false
            }
            plans[plan].owned = to
            billingEvents.append((true, planID, codes))
            log(.remove, planID, from: String(from), to: String(to) + " (" + codes.joined(separator: ", ") + ")")
        }
        if account.kind == .enterprise, let subject {
            activeAdministrators += (isActiveAdministrator(subject) ? 1 : 0) - (wasAdministrator ? 1 : 0)
            if adminsBefore > 0 && activeAdministrators == 0 {
                throw ApplyError(step: 0, reason: "the account would have no active administrator", code: .lastAdministrator)
            }
        }
    }

    /// The oldest unassigned active license of the plan at `plan`, else the
    /// oldest paused one.
    private mutating func nextFree(_ plan: Int) -> Int? {
        if !plans[plan].isQueued {
            // Sorted by License.assignmentKey, read in place: a first apply
            // orders 200,000 free licenses. Codes only break ties (a ledger
            // numbers an account's licenses uniquely, so there are none),
            // and put a license listed twice next to itself.
            var ordered: [(paused: Int, createdAt: Date, sequence: Int64, position: Int32)] = []
            ordered.reserveCapacity(plans[plan].freed.count)
            for position in plans[plan].freed where licenseMarks[Int(position)].isFree {
                let license = Int(position)
                ordered.append((licenses[license].status == .paused ? 1 : 0, licenses[license].createdAt, licenses[license].sequence, position))
            }
            ordered.sort { a, b in
                if (a.paused, a.createdAt, a.sequence) != (b.paused, b.createdAt, b.sequence) {
                    return (a.paused, a.createdAt, a.sequence) < (b.paused, b.createdAt, b.sequence)
                }
                return licenses[Int(a.position)].code < licenses[Int(b.position)].code
            }
            var queue: [Int32] = []
            queue.reserveCapacity(ordered.count)
            for entry in ordered where queue.last != entry.position { queue.append(entry.position) }
            plans[plan].freed = queue
            plans[plan].next = 0
            plans[plan].isQueued = true
        }
        while plans[plan].next < plans[plan].freed.count {
            let position = Int(plans[plan].freed[plans[plan].next])
            plans[plan].next += 1
            if licenseMarks[position].isFree { return position }
        }
        return nil
    }

    // MARK: - Results

    /// `storage_allowance`: after removals, the allowance (the plans'
    /// `storagePerLicenseGB` over owned licenses) covers the recorded usage.
    func checkStorage(usage: Int?, catalog: Catalog, snapshot: LedgerSnapshot) throws {
        guard let usage, billingEvents.contains(where: \.removes) else { return }
        let after = snapshot.licenses.filter { license in !(licenseAt[license.code].map { licenseMarks[$0].isChanged } ?? false) }
            + changedLicenses.map { licenses[$0] }
        let allowance = StorageAllowance.gigabytes(of: after, catalog: catalog, on: today)
        if allowance < usage {
            throw ApplyError(step: 0, reason: "the removals would bring the storage allowance to \(allowance) GB, below the recorded usage of \(usage) GB",
                             code: .storageAllowance)
        }
    }

    /// The changed licenses, in the order first changed. When that is every
    /// license known, in the order known (a first apply, which buys them
    /// all), the table itself: not a copy of 2,000,000 licenses.
    private func changedLicenseRows() -> [License] {
        if changedLicenses.count == licenses.count, changedLicenses.indices.allSatisfy({ changedLicenses[$0] == $0 }) { return licenses }
        return changedLicenses.map { licenses[$0] }
    }

    mutating func finish(deferred: [Deferral], recorded: [RecordedDeferral], closes: Bool) -> LedgerWrites {
        for deferral in deferred where !recorded.contains(RecordedDeferral(deferral)) {
            log("defer", deferral.plan, from: nil,
                to: "\(deferral.action.rawValue) \(deferral.count) until \(deferral.until) (\(deferral.code.rawValue))")
        }
        if closes { log("close_account", account.id, from: "open", to: "closed") }
        var account = self.account
        account.serial += 1
        if closes { account.status = .closed }
        // Users by e-mail; mostly the order they changed in already.
        let users = self.users
        let changedUsers = self.changedUsers
        let userOrder = reordering(count: changedUsers.count) { users[changedUsers[$0]]!.email < users[changedUsers[$1]]!.email }
        return LedgerWrites(
            account: account, isNewAccount: isNewAccount,
            users: (userOrder ?? Array(changedUsers.indices)).map { users[changedUsers[$0]]! },
            // Sequence numbers are unique within an account and follow
            // creation order; mostly the order changed already (a first
            // apply's 2,000,000 licenses are not copied to be sorted).
            licenses: changedLicenseRows().sortedIfNeeded { $0.sequence < $1.sequence },
            contractStarts: newContractStarts,
            deferrals: deferred.map(RecordedDeferral.init),
            journal: journal,
            boughtCodes: billingEvents.flatMap { $0.removes ? [] : $0.codes })
    }
}
