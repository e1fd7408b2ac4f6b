import Foundation
import Testing
@testable import SeatCore

private typealias F = Fixtures

/// The planner, the file rules and the engine on a mixed account of several
/// hundred users, compared with a golden record of what they produced before
/// their large-account fast paths existed. Any difference in a change, its
/// order, a diagnostic or a written row fails.
///
/// Re-record (only after reading why the output changed) with
/// `RECORD_GOLDEN=1 swift test --filter EquivalenceTests`.
struct EquivalenceTests {
    @Test func plannerAndEngineMatchTheRecordedOutput() throws {
        let (desired, ledger) = Self.mixedAccount(users: 600)
        let set = Planner(catalog: F.catalog).plan(desired, against: ledger, now: F.now)
        let validate = FileRules.check(desired, catalog: F.catalog)
        var lines: [String] = []
        func section<T>(_ title: String, _ items: [T]) {
            lines.append("\(title) \(items.count)")
            lines += items.map { String(describing: $0) }
        }
        section("changes", set.changes)
        section("deferred", set.deferred)
        section("diagnostics", set.diagnostics)
        section("file rules", validate)

        // Apply only the parts without errors: drop the plans the rules refuse.
        let applicable = Self.applicable(desired, errors: set.errors)
        let applicableSet = Planner(catalog: F.catalog).plan(applicable, against: ledger, now: F.now)
        #expect(applicableSet.errors.isEmpty, "\(applicableSet.errors)")
        let engine = ApplyEngine(actor: "test", now: F.now, drawCode: F.CodeSource().draw, drawLineage: { "lineage-new" })
        let writes = try engine.writes(for: applicableSet, on: ledger, isCodeFree: { _ in true })
        section("written users", writes.users)
        section("written licenses", writes.licenses)
        section("journal", writes.journal)

        // A damaged ledger (licenses held by emails that are no users): the
        // planner only, whose plan for it the engine would refuse.
        let (damagedDesired, damagedLedger) = Self.mixedAccount(users: 600, damaged: true)
        let damagedSet = Planner(catalog: F.catalog).plan(damagedDesired, against: damagedLedger, now: F.now)
        section("damaged ledger: changes", damagedSet.changes)
        section("damaged ledger: diagnostics", damagedSet.diagnostics)
        try Self.assertGolden(lines.joined(separator: "\n") + "\n", named: "planner-equivalence.txt")
    }

    /// Users with none to four plans, admins demoted and promoted, paused and
    /// resumed users, externals, renamed users, users only in the ledger,
    /// users only in the file, expired licenses, two licenses of one plan,
    /// plans sharing a product, free licenses and a contracted plan, removed
    /// licenses still naming a holder; when `damaged`, licenses held by
    /// emails that are no users.
    static func mixedAccount(users count: Int, damaged: Bool = false) -> (DesiredState, LedgerSnapshot) {
        let plans = ["suite-monthly", "time-monthly", "issues-yearly", "suite-contracted"]
        var desiredUsers: [DesiredUser] = []
        var ledgerUsers: [LedgerUser] = []
        var licenses: [License] = []
        var sequence: Int64 = 0
        func license(_ plan: String, to user: String?, status: LicenseStatus = .active, daysAgo: Int, endDate: Day? = nil) {
            sequence += 1
            licenses.append(F.license(String(format: "C%07d", sequence), plan, to: user, status: status,
                                      daysAgo: daysAgo, sequence: sequence, endDate: endDate))
        }
        for i in 0..<count {
            let email = String(format: "user%04d@acme.com", i)
            let role: Role = i % 50 == 0 ? .administrator : (i % 7 == 0 ? .manager : .user)
            let held = (0..<(i % 4)).map { plans[($0 + i) % plans.count] }
            let inLedger = i % 11 != 5
            let inFile = i % 13 != 6
            if inLedger {
                let isTerminated = i % 29 == 3
                ledgerUsers.append(LedgerUser(email: email, name: i % 3 == 0 ? "User \(i)" : nil,
                                              role: i % 50 == 25 ? .administrator : role, isExternal: false,
                                              status: isTerminated ? .terminated : .active))
                for (n, plan) in held.enumerated() where !isTerminated {
                    let paused = i % 17 == 4
                    let expired = i % 19 == 7 && n == 0
                    license(plan, to: email, status: paused ? .paused : .active, daysAgo: 10 + (i * 7 + n) % 300,
                            endDate: expired ? Day(year: 2026, month: 10, day: 1) : nil)
                    if i % 23 == 9 && n == 0 { license(plan, to: email, daysAgo: 5 + i % 40) }
                }
                // A removed license that still names its last holder.
                if i % 27 == 14 { license(plans[i % plans.count], to: email, status: .removed, daysAgo: 60) }
            } else if damaged && i % 3 == 0 {
                // A damaged ledger: licenses held by an email that is no user.
                license(plans[i % plans.count], to: email, daysAgo: 20 + i % 30)
                if i % 2 == 0 { license(plans[(i + 1) % plans.count], to: email, daysAgo: 40, endDate: Day(year: 2026, month: 9, day: 1)) }
            }
            guard inFile else { continue }
            var wanted = held
            if i % 9 == 2 { wanted = Array(wanted.dropFirst()) }
            if i % 8 == 3 { wanted.append(plans[(i + 3) % plans.count]) }
            if i % 31 == 0, !wanted.isEmpty { wanted.append(wanted[0]) }      // listed twice
            var unique: [String] = []
            for plan in wanted where !unique.contains(plan) { unique.append(plan) }
            let external = i % 37 == 12
            let domain = i % 41 == 8 ? "gmail.com" : (i % 43 == 9 ? "other.org" : "acme.com")
            desiredUsers.append(F.user(String(format: "User%04d@%@", i, domain), line: 100 + 6 * i,
                                       role: i % 50 == 25 ? .user : (i % 60 == 1 ? .administrator : role),
                                       plans: external ? [] : (i % 31 == 0 ? wanted : unique),
                                       paused: i % 17 == 4 ? i % 2 == 0 : i % 53 == 10, external: external,
                                       name: i % 5 == 0 ? "Renamed \(i)" : (i % 3 == 0 ? "User \(i)" : nil)))
        }
        for n in 0..<30 { license(plans[n % plans.count], to: nil, status: n % 6 == 0 ? .paused : .active, daysAgo: 3 + n) }
        license("capped", to: nil, daysAgo: 50)
        let desired = F.desired(plans: [F.plan("suite-monthly", .auto, line: 10, headroom: 2),
                                        F.plan("time-monthly", .exact(200), line: 12),
                                        F.plan("issues-yearly", .auto, line: 14),
                                        F.plan("suite-contracted", .exact(280), line: 16),
                                        F.plan("capped", .exact(9), line: 18)],
                                users: desiredUsers, emailDomains: ["acme.com"])
        let ledger = LedgerSnapshot(account: F.account, users: ledgerUsers.sorted { $0.email < $1.email },
                                    licenses: licenses.sorted(by: License.olderFirst),
                                    contractStarts: ["suite-contracted": Day(year: 2026, month: 3, day: 1)])
        return (desired, ledger)
    }

    /// The desired state without what the rules refuse, so the engine has something to run.
    static func applicable(_ desired: DesiredState, errors: [Diagnostic]) -> DesiredState {
        var result = desired
        let refusedLines = Set(errors.compactMap { $0.location?.line })
        result.users = desired.users.filter { user in
            !refusedLines.contains(user.location?.line ?? -1) && !user.plans.contains { refusedLines.contains($0.location?.line ?? -1) }
                && user.email.hasSuffix("@acme.com")
        }.map { user in
            var user = user
            var unique: [Located<String>] = []
            for plan in user.plans where !unique.contains(where: { $0.value == plan.value }) { unique.append(plan) }
            user.plans = unique
            return user
        }
        result.plans = desired.plans.map { plan in
            var plan = plan
            if plan.id.value != "suite-contracted" { plan.licenses = Located(.auto, at: plan.licenses.location) }
            return plan
        }.filter { $0.id.value != "capped" }
        return result
    }

    static func assertGolden(_ actual: String, named name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden").appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try actual.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        guard actual != expected else { return }
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let first = (0..<min(a.count, e.count)).first { a[$0] != e[$0] } ?? min(a.count, e.count)
        Issue.record("\(name) differs at line \(first + 1):\n  expected: \(first < e.count ? String(e[first]) : "<end>")\n  actual:   \(first < a.count ? String(a[first]) : "<end>")",
                     sourceLocation: sourceLocation)
    }
}
