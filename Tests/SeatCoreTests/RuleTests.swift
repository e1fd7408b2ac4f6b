import Foundation
import Testing
@testable import SeatCore

/// Every rule with inputs that trigger it and inputs that don't, side by side.
struct RuleCase: CustomTestStringConvertible, Sendable {
    var name: String
    var code: RuleCode
    var triggers: Bool
    var desired: DesiredState
    var ledger: LedgerSnapshot = .empty
    var testDescription: String { "\(code.rawValue) \(triggers ? "triggers" : "does not trigger"): \(name)" }
}

private typealias F = Fixtures
private let admin = F.user("alice@acme.com", line: 20, role: .administrator, plans: ["suite-monthly"])

private func enterprise(_ plans: [DesiredPlan] = [F.plan("suite-monthly", .exact(1))], _ users: [DesiredUser] = [admin],
                        prune: Bool = false, domains: [String] = [], blocked: [String] = []) -> DesiredState {
    F.desired(plans: plans, users: users, prune: prune, emailDomains: domains, blockedDomains: blocked)
}

private let existingAccount = F.account
private func ledger(users: [LedgerUser], licenses: [License], starts: [String: Day] = [:], deferrals: [RecordedDeferral] = [],
                    account: LedgerAccount = F.account) -> LedgerSnapshot {
    LedgerSnapshot(account: account, users: users, licenses: licenses, contractStarts: starts, deferrals: deferrals)
}
private let aliceInLedger = LedgerUser(email: "alice@acme.com", role: .administrator)
private let aliceLicense = F.license("AAAA0001", "suite-monthly", to: "alice@acme.com", sequence: 1)

let ruleCases: [RuleCase] = [
    // assigned_license
    RuleCase(name: "two users, one license", code: .assignedLicense, triggers: true,
             desired: enterprise([F.plan("suite-monthly", .exact(1))],
                                 [admin, F.user("bob@acme.com", line: 30, plans: ["suite-monthly"])])),
    RuleCase(name: "two users, two licenses", code: .assignedLicense, triggers: false,
             desired: enterprise([F.plan("suite-monthly", .exact(2))],
                                 [admin, F.user("bob@acme.com", line: 30, plans: ["suite-monthly"])])),
    RuleCase(name: "auto never falls short", code: .assignedLicense, triggers: false,
             desired: enterprise([F.plan("suite-monthly", .auto)],
                                 [admin, F.user("bob@acme.com", line: 30, plans: ["suite-monthly"])])),
    RuleCase(name: "plan held but not declared", code: .assignedLicense, triggers: true,
             desired: enterprise([F.plan("suite-monthly", .exact(1))],
                                 [admin, F.user("bob@acme.com", line: 30, plans: ["time-monthly"])])),
    RuleCase(name: "an unmanaged user keeps a license the file would remove", code: .assignedLicense, triggers: true,
             desired: enterprise([F.plan("suite-monthly", .exact(1))]),
             ledger: ledger(users: [aliceInLedger, LedgerUser(email: "zed@acme.com")],
                            licenses: [aliceLicense, F.license("AAAA0002", "suite-monthly", to: "zed@acme.com", sequence: 2)])),
    RuleCase(name: "pruning frees the unmanaged user's license", code: .assignedLicense, triggers: false,
             desired: enterprise([F.plan("suite-monthly", .exact(1))], prune: true),
             ledger: ledger(users: [aliceInLedger, LedgerUser(email: "zed@acme.com")],
                            licenses: [aliceLicense, F.license("AAAA0002", "suite-monthly", to: "zed@acme.com", sequence: 2)])),

    // contract_term
    RuleCase(name: "reducing a contracted plan mid-term", code: .contractTerm, triggers: true,
             desired: enterprise([F.plan("suite-monthly", .exact(1)), F.plan("suite-contracted", .exact(1), line: 12)]),
             ledger: ledger(users: [aliceInLedger],
                            licenses: [aliceLicense, F.license("CCCC0001", "suite-contracted", sequence: 2),
                                       F.license("CCCC0002", "suite-contracted", sequence: 3)],
                            starts: ["suite-contracted": Day(year: 2026, month: 3, day: 1)])),
    RuleCase(name: "reducing a contracted plan on its renewal day", code: .contractTerm, triggers: false,
             desired: enterprise([F.plan("suite-monthly", .exact(1)), F.plan("suite-contracted", .exact(1), line: 12)]),
             ledger: ledger(users: [aliceInLedger],
                            licenses: [aliceLicense, F.license("CCCC0001", "suite-contracted", sequence: 2),
                                       F.license("CCCC0002", "suite-contracted", sequence: 3)],
                            starts: ["suite-contracted": Day(year: 2025, month: 11, day: 22)])),
    RuleCase(name: "adding to a contracted plan", code: .contractTerm, triggers: false,
             desired: enterprise([F.plan("suite-monthly", .exact(1)), F.plan("suite-contracted", .exact(3), line: 12)]),
             ledger: ledger(users: [aliceInLedger],
                            licenses: [aliceLicense, F.license("CCCC0001", "suite-contracted", sequence: 2)],
                            starts: ["suite-contracted": Day(year: 2026, month: 3, day: 1)])),
    RuleCase(name: "reducing a flexible plan", code: .contractTerm, triggers: false,
             desired: enterprise([F.plan("suite-monthly", .exact(1))]),
             ledger: ledger(users: [aliceInLedger], licenses: [aliceLicense, F.license("AAAA0002", "suite-monthly", sequence: 2)])),

    // self_employed_fixed
    RuleCase(name: "second user on a self-employed account", code: .selfEmployedFixed, triggers: true,
             desired: F.desired(kind: .selfEmployed, plans: [F.plan("solo-monthly", .exact(1))],
                                users: [F.user("sol@gmail.com", plans: ["solo-monthly"]), F.user("pal@gmail.com", line: 30)])),
    RuleCase(name: "two licenses on a self-employed account", code: .selfEmployedFixed, triggers: true,
             desired: F.desired(kind: .selfEmployed, plans: [F.plan("solo-monthly", .exact(2))],
                                users: [F.user("sol@gmail.com", plans: ["solo-monthly"])])),
    RuleCase(name: "the one user and the one license", code: .selfEmployedFixed, triggers: false,
             desired: F.desired(kind: .selfEmployed, plans: [F.plan("solo-monthly", .exact(1))],
                                users: [F.user("sol@gmail.com", plans: ["solo-monthly"])])),
    RuleCase(name: "removing the user without closeAccount", code: .selfEmployedFixed, triggers: true,
             desired: F.desired(kind: .selfEmployed, plans: [F.plan("solo-monthly", .exact(1))], users: []),
             ledger: ledger(users: [LedgerUser(email: "sol@gmail.com", role: .administrator)],
                            licenses: [F.license("SOLO0001", "solo-monthly", to: "sol@gmail.com", sequence: 1)],
                            account: LedgerAccount(id: "acme", kind: .selfEmployed, name: nil, timezone: "UTC", lineage: "l", serial: 1, createdAt: F.now))),
    RuleCase(name: "closing the account", code: .selfEmployedFixed, triggers: false,
             desired: F.desired(kind: .selfEmployed, plans: [], users: [], closeAccount: true),
             ledger: ledger(users: [LedgerUser(email: "sol@gmail.com", role: .administrator)],
                            licenses: [F.license("SOLO0001", "solo-monthly", to: "sol@gmail.com", sequence: 1)],
                            account: LedgerAccount(id: "acme", kind: .selfEmployed, name: nil, timezone: "UTC", lineage: "l", serial: 1, createdAt: F.now))),
    RuleCase(name: "changing the kind of an applied account", code: .selfEmployedFixed, triggers: true,
             desired: F.desired(kind: .selfEmployed, plans: [F.plan("solo-monthly", .exact(1))],
                                users: [F.user("alice@acme.com", plans: ["solo-monthly"])]),
             ledger: ledger(users: [aliceInLedger], licenses: [aliceLicense])),

    // last_administrator
    RuleCase(name: "no administrator declared", code: .lastAdministrator, triggers: true,
             desired: enterprise([F.plan("suite-monthly", .exact(1))], [F.user("alice@acme.com", plans: ["suite-monthly"])])),
    RuleCase(name: "demoting the only administrator", code: .lastAdministrator, triggers: true,
             desired: enterprise([F.plan("suite-monthly", .exact(1))], [F.user("alice@acme.com", role: .manager, plans: ["suite-monthly"])]),
             ledger: ledger(users: [aliceInLedger], licenses: [aliceLicense])),
    RuleCase(name: "pausing the only administrator", code: .lastAdministrator, triggers: true,
             desired: enterprise([F.plan("suite-monthly", .exact(1))],
                                 [F.user("alice@acme.com", role: .administrator, plans: ["suite-monthly"], paused: true)]),
             ledger: ledger(users: [aliceInLedger], licenses: [aliceLicense])),
    RuleCase(name: "demoting one administrator while promoting another", code: .lastAdministrator, triggers: false,
             desired: enterprise([F.plan("suite-monthly", .exact(1))],
                                 [F.user("alice@acme.com", role: .manager, plans: ["suite-monthly"]),
                                  F.user("bob@acme.com", line: 30, role: .administrator)]),
             ledger: ledger(users: [aliceInLedger, LedgerUser(email: "bob@acme.com")], licenses: [aliceLicense])),
    RuleCase(name: "an unmanaged administrator still counts", code: .lastAdministrator, triggers: false,
             desired: enterprise([F.plan("suite-monthly", .exact(1))], [F.user("alice@acme.com", plans: ["suite-monthly"])]),
             ledger: ledger(users: [LedgerUser(email: "alice@acme.com"), LedgerUser(email: "root@acme.com", role: .administrator)],
                            licenses: [aliceLicense])),

    // corporate_email
    RuleCase(name: "a gmail.com user", code: .corporateEmail, triggers: true,
             desired: enterprise([F.plan("suite-monthly", .exact(1))], [admin, F.user("bob@gmail.com", line: 30)])),
    RuleCase(name: "a subdomain of a public domain is public too", code: .corporateEmail, triggers: true,
             desired: enterprise([F.plan("suite-monthly", .exact(1))], [admin, F.user("bob@eu.yahoo.com", line: 30)])),
    RuleCase(name: "a domain the file blocks", code: .corporateEmail, triggers: true,
             desired: enterprise([F.plan("suite-monthly", .exact(1))], [admin, F.user("bob@example.org", line: 30)], blocked: ["example.org"])),
    RuleCase(name: "outside emailDomains", code: .corporateEmail, triggers: true,
             desired: enterprise([F.plan("suite-monthly", .exact(1))], [admin, F.user("bob@other.com", line: 30)], domains: ["acme.com"])),
    RuleCase(name: "a subdomain of an allowed domain", code: .corporateEmail, triggers: false,
             desired: enterprise([F.plan("suite-monthly", .exact(1))], [admin, F.user("bob@eng.acme.com", line: 30)], domains: ["acme.com"])),
    RuleCase(name: "a look-alike domain is not a subdomain", code: .corporateEmail, triggers: true,
             desired: enterprise([F.plan("suite-monthly", .exact(1))], [admin, F.user("bob@notacme.com", line: 30)], domains: ["acme.com"])),
    RuleCase(name: "an external consultant from a partner domain", code: .corporateEmail, triggers: false,
             desired: enterprise([F.plan("suite-monthly", .exact(1))], [admin, F.user("carol@partner.example", line: 30, external: true)], domains: ["acme.com"])),
    RuleCase(name: "self-employed accounts may use any domain", code: .corporateEmail, triggers: false,
             desired: F.desired(kind: .selfEmployed, plans: [F.plan("solo-monthly", .exact(1))],
                                users: [F.user("sol@gmail.com", plans: ["solo-monthly"])])),

    // plan_not_offered
    RuleCase(name: "a plan not in the catalog", code: .planNotOffered, triggers: true,
             desired: enterprise([F.plan("suite-monthly", .exact(1)), F.plan("suite-montly", .exact(1), line: 12)])),
    RuleCase(name: "a self-employed plan for an enterprise", code: .planNotOffered, triggers: true,
             desired: enterprise([F.plan("suite-monthly", .exact(1)), F.plan("solo-monthly", .exact(1), line: 12)])),
    RuleCase(name: "an enterprise plan for a self-employed account", code: .planNotOffered, triggers: true,
             desired: F.desired(kind: .selfEmployed, plans: [F.plan("suite-monthly", .exact(1))],
                                users: [F.user("sol@gmail.com", plans: ["suite-monthly"])])),
    RuleCase(name: "an offered plan", code: .planNotOffered, triggers: false, desired: enterprise()),

    // external_no_license
    RuleCase(name: "an external user with a plan", code: .externalNoLicense, triggers: true,
             desired: enterprise([F.plan("suite-monthly", .exact(2))],
                                 [admin, F.user("carol@partner.example", line: 30, plans: ["suite-monthly"], external: true)])),
    RuleCase(name: "an external user without plans", code: .externalNoLicense, triggers: false,
             desired: enterprise([F.plan("suite-monthly", .exact(1))], [admin, F.user("carol@partner.example", line: 30, external: true)])),

    // license_expired
    RuleCase(name: "a user holds an expired license", code: .licenseExpired, triggers: true,
             desired: enterprise([F.plan("suite-monthly", .exact(1))]),
             ledger: ledger(users: [aliceInLedger],
                            licenses: [F.license("AAAA0001", "suite-monthly", to: "alice@acme.com", sequence: 1, endDate: Day(year: 2026, month: 11, day: 1))])),
    RuleCase(name: "a license ending today is still valid", code: .licenseExpired, triggers: false,
             desired: enterprise([F.plan("suite-monthly", .exact(1))]),
             ledger: ledger(users: [aliceInLedger],
                            licenses: [F.license("AAAA0001", "suite-monthly", to: "alice@acme.com", sequence: 1, endDate: F.today)])),

    // duplicate_product
    RuleCase(name: "two plans with the time product", code: .duplicateProduct, triggers: true,
             desired: enterprise([F.plan("suite-monthly", .exact(1)), F.plan("time-monthly", .exact(1), line: 12)],
                                 [F.user("alice@acme.com", role: .administrator, plans: ["suite-monthly", "time-monthly"])])),
    RuleCase(name: "two plans without a shared product", code: .duplicateProduct, triggers: false,
             desired: enterprise([F.plan("suite-monthly", .exact(1)), F.plan("issues-yearly", .exact(1), line: 12)],
                                 [F.user("alice@acme.com", role: .administrator, plans: ["suite-monthly", "issues-yearly"])])),

    // unmanaged_user
    RuleCase(name: "a ledger user missing from the file", code: .unmanagedUser, triggers: true,
             desired: enterprise(), ledger: ledger(users: [aliceInLedger, LedgerUser(email: "zed@acme.com")], licenses: [aliceLicense])),
    RuleCase(name: "with prune the user is terminated instead", code: .unmanagedUser, triggers: false,
             desired: enterprise(prune: true), ledger: ledger(users: [aliceInLedger, LedgerUser(email: "zed@acme.com")], licenses: [aliceLicense])),
    RuleCase(name: "a terminated user is not unmanaged", code: .unmanagedUser, triggers: false,
             desired: enterprise(), ledger: ledger(users: [aliceInLedger, LedgerUser(email: "zed@acme.com", status: .terminated)], licenses: [aliceLicense])),

    // license_limits
    RuleCase(name: "more than the plan's maximum", code: .licenseLimits, triggers: true,
             desired: enterprise([F.plan("suite-monthly", .exact(1)), F.plan("capped", .exact(6), line: 12)])),
    RuleCase(name: "within the plan's limits", code: .licenseLimits, triggers: false,
             desired: enterprise([F.plan("suite-monthly", .exact(1)), F.plan("capped", .exact(5), line: 12)])),

    // account_closed
    RuleCase(name: "planning a closed account", code: .accountClosed, triggers: true,
             desired: enterprise(),
             ledger: ledger(users: [], licenses: [],
                            account: LedgerAccount(id: "acme", kind: .enterprise, name: nil, timezone: "UTC", status: .closed, lineage: "l", serial: 1, createdAt: F.now))),
    RuleCase(name: "planning an open account", code: .accountClosed, triggers: false,
             desired: enterprise(), ledger: ledger(users: [aliceInLedger], licenses: [aliceLicense])),
]

@Test("rules", arguments: ruleCases)
func rule(_ c: RuleCase) {
    let set = Fixtures.plan(c.desired, c.ledger)
    let found = set.codes.contains(c.code.rawValue) || set.deferred.contains { $0.code == c.code }
    #expect(found == c.triggers, "codes: \(set.codes), deferred: \(set.deferred)")
    if c.triggers, let diagnostic = set.diagnostics.first(where: { $0.code == c.code.rawValue }) {
        // Every rule diagnostic points into the file.
        #expect(diagnostic.location?.file == "seats.yaml")
    }
}

@Test func everyRuleCaseHasBothSides() {
    let codes = Set(ruleCases.map(\.code))
    for code in codes {
        #expect(ruleCases.contains { $0.code == code && $0.triggers }, "\(code) has no triggering case")
        #expect(ruleCases.contains { $0.code == code && !$0.triggers }, "\(code) has no non-triggering case")
    }
}

@Test func errorsPointAtTheOffendingLine() {
    let set = Fixtures.plan(enterprise([F.plan("suite-monthly", .exact(1), line: 10)],
                                       [admin, F.user("bob@acme.com", line: 30, plans: ["suite-monthly"])]))
    let error = try! #require(set.errors.first { $0.code == "assigned_license" })
    #expect(error.location == F.loc(11, 15))
    #expect(error.message == "plan \"suite-monthly\" declares 1 license but 2 users in this file hold it")
    #expect(error.hint == "raise licenses to 2, or write `licenses: auto`")
}

@Test func unknownPlanSuggestsTheNearest() {
    let set = Fixtures.plan(enterprise([F.plan("suite-monthly", .exact(1)), F.plan("suite-montly", .exact(1), line: 12)]))
    let error = try! #require(set.errors.first { $0.code == "plan_not_offered" })
    #expect(error.hint == "did you mean \"suite-monthly\"?")
    #expect(error.location == F.loc(12))
}

@Test func contractDeferralCarriesTheRenewalDay() {
    let c = ruleCases.first { $0.name == "reducing a contracted plan mid-term" }!
    let set = Fixtures.plan(c.desired, c.ledger)
    #expect(set.deferred == [Deferral(action: .remove, plan: "suite-contracted", count: 1, code: .contractTerm,
                                      until: Day(year: 2027, month: 3, day: 1), location: F.loc(13, 15))])
    #expect(!set.changes.contains { $0.action == .remove })
    #expect(!set.hasErrors)
}

@Test func recordedDeferralIsAppliedOnOrAfterItsDay() {
    let c = ruleCases.first { $0.name == "reducing a contracted plan mid-term" }!
    var ledger = c.ledger
    ledger.deferrals = [RecordedDeferral(plan: "suite-contracted", until: Day(year: 2026, month: 11, day: 20))]
    let set = Fixtures.plan(c.desired, ledger)
    #expect(set.deferred.isEmpty)
    #expect(set.changes.contains(.remove(plan: "suite-contracted", count: 1, from: 2, to: 1, licenses: ["CCCC0002"])))
    ledger.deferrals = [RecordedDeferral(plan: "suite-contracted", until: Day(year: 2026, month: 12, day: 1))]
    #expect(Fixtures.plan(c.desired, ledger).deferred.first?.until == Day(year: 2026, month: 12, day: 1))
}
