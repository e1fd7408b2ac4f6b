import Foundation
@testable import SeatCore

/// Small, hand-made inputs for planner and rule tests.
enum Fixtures {
    static let usd = "USD"
    static func price(_ text: String) -> Money { try! Money(parsing: text, currency: usd) }

    static let catalog = Catalog(currency: usd, plans: [
        CatalogPlan(id: "suite-monthly", name: "Suite", products: ["projects", "time", "expenses"], billing: .monthly,
                    commitment: .flexible, price: price("45.00"), storagePerLicenseGB: 20, offeredTo: [.enterprise]),
        CatalogPlan(id: "time-monthly", name: "Time", products: ["time"], billing: .monthly,
                    commitment: .flexible, price: price("8.00"), storagePerLicenseGB: 20, offeredTo: [.enterprise]),
        CatalogPlan(id: "issues-yearly", name: "Issues", products: ["issues"], billing: .yearly,
                    commitment: .flexible, price: price("97.20"), storagePerLicenseGB: 20, offeredTo: [.enterprise]),
        CatalogPlan(id: "suite-contracted", name: "Suite contract", products: ["projects", "time", "expenses"], billing: .monthly,
                    commitment: .contracted, contractMonths: 12, price: price("39.00"), storagePerLicenseGB: 20, offeredTo: [.enterprise]),
        CatalogPlan(id: "solo-monthly", name: "Solo", products: ["projects", "invoicing"], billing: .monthly,
                    commitment: .flexible, price: price("29.00"), offeredTo: [.selfEmployed], maxLicenses: 1),
        CatalogPlan(id: "capped", name: "Capped", products: ["capped"], billing: .monthly,
                    commitment: .flexible, price: price("1.00"), offeredTo: [.enterprise], minLicenses: 1, maxLicenses: 5),
    ])

    /// 2026-11-22T12:00:00Z.
    static let now = Date(timeIntervalSince1970: 1_795_348_800)
    static let today = Day(year: 2026, month: 11, day: 22)

    static func loc(_ line: Int, _ column: Int = 3) -> SourceLocation { SourceLocation(file: "seats.yaml", line: line, column: column) }

    static func user(_ email: String, line: Int = 20, role: Role? = nil, plans: [String] = [], paused: Bool = false,
                     external: Bool = false, name: String? = nil) -> DesiredUser {
        DesiredUser(email: email, at: loc(line), name: name.map { Located($0, at: loc(line + 1, 11)) },
                    role: role.map { Located($0, at: loc(line + 2, 11)) } ?? Located(.user),
                    plans: plans.enumerated().map { Located($1, at: loc(line + 3, 12 + 10 * $0)) },
                    isPaused: Located(paused, at: paused ? loc(line + 4, 13) : nil),
                    isExternal: Located(external, at: external ? loc(line + 4, 15) : nil))
    }

    static func plan(_ id: String, _ count: LicenseCount, line: Int = 10, headroom: Int = 0) -> DesiredPlan {
        DesiredPlan(id: Located(id, at: loc(line)), licenses: Located(count, at: loc(line + 1, 15)), headroom: Located(headroom))
    }

    static func desired(kind: AccountKind = .enterprise, plans: [DesiredPlan], users: [DesiredUser], prune: Bool = false,
                        emailDomains: [String] = [], blockedDomains: [String] = [], closeAccount: Bool = false) -> DesiredState {
        DesiredState(file: "seats.yaml", account: Located("acme", at: loc(1, 10)), kind: Located(kind, at: loc(2, 7)),
                     emailDomains: emailDomains.map { Located($0, at: loc(3, 16)) },
                     blockedDomains: blockedDomains.map { Located($0, at: loc(4, 18)) },
                     prune: Located(prune, at: loc(5, 8)), closeAccount: Located(closeAccount, at: closeAccount ? loc(6, 15) : nil),
                     plans: plans, users: users, usersLocation: loc(19, 1), plansLocation: loc(9, 1))
    }

    static let account = LedgerAccount(id: "acme", kind: .enterprise, name: nil, timezone: "UTC", lineage: "lineage-1",
                                       serial: 3, createdAt: Date(timeIntervalSince1970: 1_780_000_000))

    /// A license created `daysAgo` days before `now`.
    static func license(_ code: String, _ plan: String, to user: String? = nil, status: LicenseStatus = .active,
                        daysAgo: Int = 30, sequence: Int64, endDate: Day? = nil) -> License {
        License(code: code, plan: plan, status: status, createdAt: now.addingTimeInterval(Double(-daysAgo) * 86_400),
                activatedAt: user == nil ? nil : now.addingTimeInterval(Double(-daysAgo) * 86_400), endDate: endDate,
                assignedTo: user, sequence: sequence)
    }

    static func plan(_ desired: DesiredState, _ ledger: LedgerSnapshot = .empty, now: Date = now) -> ChangeSet {
        Planner(catalog: catalog).plan(desired, against: ledger, now: now)
    }

    /// Deterministic license codes for engine tests.
    final class CodeSource: @unchecked Sendable {
        var next = 0
        func draw() -> String { next += 1; return String(format: "NEW%05d", next) }
    }
}

extension ChangeSet {
    var codes: [String] { diagnostics.map(\.code) }
    var errorCodes: [String] { errors.map(\.code) }
    var warningCodes: [String] { warnings.map(\.code) }
}
