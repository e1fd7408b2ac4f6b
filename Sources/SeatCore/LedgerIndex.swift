import Foundation

/// The planner's view of a ledger snapshot on one day: each email's user
/// and licenses, and each plan's owned and unassigned licenses.
///
/// It depends on the snapshot alone, not on the desired state, so it can be
/// built while the desired state loads (the CLI builds it on a second core).
/// A plan whose day differs from ``today`` builds its own.
public struct LedgerIndex: Sendable {
    public let snapshot: LedgerSnapshot
    /// The day the licenses' statuses are worked out for.
    public let today: Day

    /// Each email's slot in `entries`, found with one lookup per license and
    /// per user of the file (a 100,000-user plan is mostly lookups).
    private var slots: SlotTable
    private(set) var entries: [LedgerEntry] = []
    /// Every email's licenses, email after email (see `LedgerEntry.first`):
    /// indices into the snapshot's licenses, oldest first.
    private var held: [Int32] = []
    /// Each license's status on `today`, by its index in the snapshot.
    private var statuses: [LicenseStatus] = []
    /// How many licenses (active or paused) each plan owns.
    private(set) var ownedCounts: [String: Int] = [:]
    /// Owned licenses nobody holds, by plan (the holders' are in `held`).
    private(set) var unassigned: [String: [License]] = [:]
    /// The plans of the snapshot's licenses, each once: a planner counts
    /// per plan in an array by these positions rather than a map of plan ids.
    private(set) var plans: [String] = []
    private var planPositions: [String: Int] = [:]
    /// Each license's plan, by its position in `plans`.
    private var licensePlans: [Int32] = []

    /// The index on `now`'s day in the account's time zone: the day every
    /// plan against a snapshot that holds an account uses. (A snapshot
    /// without an account has no users or licenses to index.)
    public init(_ snapshot: LedgerSnapshot, now: Date) {
        self.init(snapshot, today: Day(now, inZoneNamed: snapshot.account?.timezone ?? "UTC"))
    }

    public init(_ snapshot: LedgerSnapshot, today: Day) {
        self.snapshot = snapshot
        self.today = today
        // The store's table of the users' e-mails, when it made one, saves
        // hashing each e-mail again (slot i is then user i).
        let emails = snapshot.emails
        slots = emails?.users ?? SlotTable(capacity: snapshot.users.count)
        entries.reserveCapacity(snapshot.users.count)
        if emails != nil {
            entries = snapshot.users.indices.map { LedgerEntry(user: Int32($0)) }
        } else {
            for (index, user) in snapshot.users.enumerated() { entries[slot(user.email)].user = Int32(index) }
        }
        // Owned licenses counted by plan position, then named.
        var owned: [Int] = []
        defer {
            ownedCounts = Dictionary(uniqueKeysWithValues: zip(plans, owned).filter { $0.1 > 0 })
        }
        // Each held license's holder, then the licenses grouped by holder
        // (a counting sort, which keeps them oldest first).
        statuses.reserveCapacity(snapshot.licenses.count)
        licensePlans.reserveCapacity(snapshot.licenses.count)
        var holders = [Int32](repeating: -1, count: snapshot.licenses.count)
        // Licenses bought together are stored together: mostly the plan of the license before.
        var lastPlan: (id: String, position: Int32)?
        // Each license is read where it is, not copied: a copy takes a
        // reference to its holder's string, a cache miss per license in a
        // large account (see `InvoiceBuilder`).
        snapshot.licenses.withUnsafeBufferPointer { licenses in
            for index in licenses.indices {
                let status = License.effectiveStatus(licenses[index].status, endDate: licenses[index].endDate, on: today)
                statuses.append(status)
                if let last = lastPlan, last.id == licenses[index].plan {
                    licensePlans.append(last.position)
                } else {
                    let plan = licenses[index].plan
                    if planPositions[plan] == nil {
                        planPositions[plan] = plans.count
                        plans.append(plan)
                        owned.append(0)
                    }
                    let position = Int32(planPositions[plan]!)
                    licensePlans.append(position)
                    lastPlan = (plan, position)
                }
                let isHeld = licenses[index].assignedTo != nil
                if status == .active || status == .paused {
                    owned[Int(licensePlans[index])] += 1
                    if !isHeld { unassigned[licenses[index].plan, default: []].append(licenses[index]) }
                }
                guard status != .removed, isHeld else { continue }
                let known = emails.map { Int($0.holders[index]) } ?? -1
                let slot = known >= 0 ? known : slot(licenses[index].assignedTo!)
                holders[index] = Int32(slot)
                entries[slot].end += 1
            }
        }
        var next: Int32 = 0
        for slot in entries.indices {
            let count = entries[slot].end
            entries[slot].first = next
            entries[slot].end = next
            next += count
        }
        held = [Int32](repeating: 0, count: Int(next))
        for (index, holder) in holders.enumerated() where holder >= 0 {
            held[Int(entries[Int(holder)].end)] = Int32(index)
            entries[Int(holder)].end += 1
        }
    }

    /// The slot of `email` in `entries`, added when new.
    private mutating func slot(_ email: String) -> Int {
        let (slot, inserted) = slots.insert(email)
        if inserted { entries.append(LedgerEntry()) }
        return slot
    }

    /// The slot of `email`, if the ledger has one.
    func slot(of email: String) -> Int? {
        slots.slot(of: email)
    }

    /// The ledger user of `entry`, if it is one.
    func user(_ entry: LedgerEntry) -> LedgerUser? {
        entry.user.map { snapshot.users[Int($0)] }
    }

    /// The licenses `entry` holds (see ``holdings(_:into:)``).
    func holdings(_ entry: LedgerEntry) -> Holdings {
        var holdings = Holdings()
        self.holdings(entry, into: &holdings)
        return holdings
    }

    /// The licenses `entry` holds, in snapshot order, in `holdings`, whose
    /// arrays are emptied and refilled: a caller that plans user after user
    /// reuses one `Holdings` rather than allocating two arrays for each.
    func holdings(_ entry: LedgerEntry, into holdings: inout Holdings) {
        holdings.licenses = snapshot.licenses
        holdings.current.removeAll(keepingCapacity: true)
        holdings.expired.removeAll(keepingCapacity: true)
        for index in held[Int(entry.first) ..< Int(entry.end)] {
            if statuses[Int(index)] == .expired {
                holdings.expired.append(index)
            } else {
                holdings.current.append(index)
            }
        }
    }

    /// The position in ``plans`` of the plan of the snapshot's license `index`.
    func planPosition(ofLicense index: Int32) -> Int {
        Int(licensePlans[Int(index)])
    }

    /// The position of `plan` in ``plans``, if a license of the snapshot is of it.
    func planPosition(of plan: String) -> Int? {
        planPositions[plan]
    }
}

/// What the ledger holds for one email.
struct LedgerEntry: Sendable {
    /// The user's index in the ledger's users; nil for an email that holds
    /// licenses but is not a user (a damaged ledger).
    var user: Int32?
    /// Where this email's licenses are in `LedgerIndex.held`: `first ..< end`.
    var first: Int32 = 0
    var end: Int32 = 0
}

/// One email's licenses in the ledger, built when its user is planned: the
/// positions of the licenses in the snapshot, which a planner reads in place
/// rather than copying each license. (The index keeps only the positions:
/// copies for 100,000 users kept until the plan ends made them a large
/// part of its memory.)
struct Holdings {
    /// The snapshot's licenses, which `current` and `expired` index.
    var licenses: [License] = []
    /// Non-expired licenses held (normally one per plan).
    var current: [Int32] = []
    /// Expired licenses still assigned to the user.
    var expired: [Int32] = []

    subscript(_ license: Int32) -> License { licenses[Int(license)] }
    /// The plan and the status of a license, read in place.
    func plan(_ license: Int32) -> String { licenses[Int(license)].plan }
    func status(_ license: Int32) -> LicenseStatus { licenses[Int(license)].status }

    /// Every license held, current and expired, oldest first.
    var all: [License] { (current + expired).map { licenses[Int($0)] }.sorted(by: License.olderFirst) }

    var isPaused: Bool {
        !current.isEmpty && current.allSatisfy { status($0) == .paused }
    }

    func holds(_ plan: String) -> Bool { current.contains { self.plan($0) == plan } }

    /// True when no two current licenses share a plan (the normal case), so
    /// each license is its own group and `byPlan` need not be built.
    var isOnePerPlan: Bool {
        current.count < 2 || current.count <= 16 && current.indices.allSatisfy { i in
            !current[..<i].contains { plan($0) == plan(current[i]) }
        }
    }

    /// The current licenses grouped by plan, plans in order, licenses oldest first.
    var byPlan: [(plan: String, licenses: [License])] {
        var groups: [(plan: String, licenses: [License])] = []
        for license in current.map({ licenses[Int($0)] }).sorted(by: { $0.plan != $1.plan ? $0.plan < $1.plan : License.olderFirst($0, $1) }) {
            if groups.last?.plan == license.plan { groups[groups.count - 1].licenses.append(license) } else { groups.append((license.plan, [license])) }
        }
        return groups
    }
}
