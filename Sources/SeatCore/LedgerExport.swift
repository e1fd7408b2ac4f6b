import Foundation

/// The desired state that describes an account as the ledger holds it, for
/// `seatctl export`: planning it against the same ledger gives no changes.
///
/// What the ledger does not keep (`emailDomains`, `blockedDomains`,
/// `guards`, `prune`) is left out; counts are exact, never `auto`. A user
/// is written as paused when every license it holds is paused (portal
/// operations keep users wholly paused or wholly active).
public enum LedgerExport {
    /// The exported state and the remarks the file's header should carry
    /// (what a plan of it would still do, such as cancel a recorded
    /// deferral or replace an expired license). Nil for an unknown account.
    public static func desiredState(of snapshot: LedgerSnapshot, file: String, now: Date) -> (DesiredState, remarks: [String])? {
        guard let account = snapshot.account else { return nil }
        let today = Day(now, inZoneNamed: account.timezone)
        var owned: [String: Int] = [:]
        var held: [String: [License]] = [:]
        var remarks: [String] = []
        for license in snapshot.licenses {
            switch license.effectiveStatus(on: today) {
            case .active, .paused:
                owned[license.plan, default: 0] += 1
                if let holder = license.assignedTo { held[holder, default: []].append(license) }
            case .expired:
                if let holder = license.assignedTo {
                    remarks.append("license \(license.code) of \(license.plan) held by \(holder) has expired; a plan unassigns it")
                }
            case .removed:
                break
            }
        }
        for deferral in snapshot.deferrals.sorted(by: { ($0.plan, $0.until) < ($1.plan, $1.until) }) {
            remarks.append("a removal of \(deferral.plan) licenses is deferred until \(deferral.until); applying this file cancels it")
        }
        let plans = owned.keys.sorted().map { id in
            DesiredPlan(id: Located(id), licenses: Located(.exact(owned[id] ?? 0)))
        }
        let users = snapshot.users.filter { $0.status == .active }.sorted { $0.email < $1.email }.map { user in
            let licenses = held[user.email] ?? []
            let plans = Array(Set(licenses.map(\.plan))).sorted()
            let isPaused = !licenses.isEmpty && licenses.allSatisfy { $0.status == .paused }
            return DesiredUser(email: user.email, name: user.name.map { Located($0) }, role: Located(user.role),
                               plans: plans.map { Located($0) }, isPaused: Located(isPaused), isExternal: Located(user.isExternal))
        }
        let state = DesiredState(file: file, account: Located(account.id), kind: Located(account.kind),
                                 name: account.name.map { Located($0) }, timezone: Located(account.timezone),
                                 plans: plans, users: users)
        return (state, remarks)
    }
}
