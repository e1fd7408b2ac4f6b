import Foundation
import SeatCore
import Testing
@testable import SeatStore

/// The planner, the apply engine and each store together: what a store
/// reads back after an apply is exactly the snapshot the engine's writes
/// describe, and planning the same file again finds nothing to do.
@Suite struct PlanApplyRoundTripTests {
    static let catalog = Catalog(currency: "USD", plans: [
        CatalogPlan(id: "suite", name: "Suite", products: ["p", "t"], billing: .monthly, commitment: .flexible,
                    price: Money(minorUnits: 4500, currency: "USD"), offeredTo: [.enterprise]),
        CatalogPlan(id: "time", name: "Time", products: ["t"], billing: .monthly, commitment: .flexible,
                    price: Money(minorUnits: 800, currency: "USD"), offeredTo: [.enterprise]),
        CatalogPlan(id: "contract", name: "Contract", products: ["c"], billing: .monthly, commitment: .contracted,
                    contractMonths: 12, price: Money(minorUnits: 3900, currency: "USD"), offeredTo: [.enterprise]),
    ])

    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state ^ (state >> 29)
        }
    }

    static func randomDesired(_ rng: inout Seeded) -> DesiredState {
        let plans = ["suite", "time", "contract"]
        var users: [DesiredUser] = []
        for i in 0..<15 where i == 0 || Int.random(in: 0..<3, using: &rng) > 0 {
            let role: Role = i == 0 ? .administrator : [.manager, .user, .user].randomElement(using: &rng)!
            users.append(DesiredUser(email: "u\(i)@acme.example", role: Located(role),
                                     plans: plans.filter { _ in Bool.random(using: &rng) }.map { Located($0) },
                                     isPaused: Located(i > 0 && Int.random(in: 0..<6, using: &rng) == 0)))
        }
        let declared = plans.map { id -> DesiredPlan in
            let holders = users.filter { $0.plans.contains { $0.value == id } }.count
            let count: LicenseCount = Bool.random(using: &rng) ? .auto : .exact(holders + Int.random(in: 0..<3, using: &rng))
            return DesiredPlan(id: Located(id), licenses: Located(count), headroom: Located(Int.random(in: 0..<2, using: &rng)))
        }
        return DesiredState(file: "seats.yaml", account: Located("acme"), kind: Located(.enterprise),
                            timezone: Located("Europe/Berlin"), prune: Located(Bool.random(using: &rng)),
                            plans: declared, users: users)
    }

    @Test(arguments: StoreKind.allCases, [1, 2, 3])
    func roundTrip(store kind: StoreKind, seed: UInt64) throws {
        try kind.withStore { store in
            var rng = Seeded(state: seed)
            var now = Date(timeIntervalSince1970: 1_795_348_800)
            var applied = 0
            for _ in 0..<6 {
                let desired = Self.randomDesired(&rng)
                let before = try store.snapshot(account: "acme")
                let journalBefore = try store.journal(account: "acme", since: nil).count
                let set = Planner(catalog: Self.catalog).plan(desired, against: before, now: now)
                guard !set.hasErrors, set.hasChanges else { continue }
                let engine = ApplyEngine(actor: "round-trip", now: now)
                let writes = try store.apply(account: "acme", expectedLineage: set.lineage, expectedSerial: set.serial) { snapshot, isFree in
                    try engine.writes(for: set, on: snapshot, codes: isFree)
                }
                applied += 1
                let after = try store.snapshot(account: "acme")
                #expect(after == before.applying(writes))
                #expect(after.account?.serial == set.serial + 1)
                #expect(try store.journal(account: "acme", since: nil).count == journalBefore + writes.journal.count)
                #expect(!Planner(catalog: Self.catalog).plan(desired, against: after, now: now).hasChanges)
                now = now.addingTimeInterval(86_400 * 3)
            }
            #expect(applied >= 2, "too few rounds applied for the test to mean anything")
        }
    }
}
