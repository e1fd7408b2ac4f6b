import Foundation
import SeatTestSupport
import Testing
@testable import SeatCore

/// Worked examples of proration and invoices. Each comment shows the sum
/// done by hand: `price × count × remainingDays / periodDays`, the day of
/// the change counted as remaining, rounded half-up once per line.
@Suite struct BillingWorkedExamples {
    static func day(_ y: Int, _ m: Int, _ d: Int) -> Day { Day(year: y, month: m, day: d) }

    @Test func midPeriodBuyAndRemovalInALeapYearFebruary() throws {
        // Account created 2028-01-01: monthly periods start on the 1st.
        var s = BillingScenario()
        try s.buy("time-monthly", 1, on: Self.day(2028, 1, 1))
        _ = try s.issueInvoices(through: Self.day(2028, 2, 1))
        // Period 2028-02-01 – 2028-02-29: 29 days. Buying on the 15th leaves
        // the 15th…29th = 15 days: 45.00 × 1 × 15 / 29 = 23.2758… → 23.28.
        let bought = try s.buy("suite-monthly", 1, on: Self.day(2028, 2, 15))
        #expect(bought.chargeNow == usd("23.28"))
        #expect(bought.adjustments.first?.span == BillingSpan(start: Self.day(2028, 2, 15), end: Self.day(2028, 3, 1)))
        #expect(bought.adjustments.first?.periodDays == 29)
        // Removing it on the 20th credits the 20th…29th = 10 days:
        // 45.00 × 10 / 29 = 15.5172… → 15.52.
        let removed = try s.remove("suite-monthly", 1, on: Self.day(2028, 2, 20))
        #expect(removed.credit == usd("15.52"))
        #expect(removed.creditBalance == usd("15.52"))
    }

    @Test func midPeriodBuyAndRemovalInA31DayMonth() throws {
        var s = BillingScenario()
        try s.buy("time-monthly", 1, on: Self.day(2028, 1, 1))
        _ = try s.issueInvoices(through: Self.day(2028, 3, 1))
        // March: 31 days. 15th…31st = 17 days: 45.00 × 17 / 31 = 24.6774… → 24.68.
        #expect(try s.buy("suite-monthly", 1, on: Self.day(2028, 3, 15)).chargeNow == usd("24.68"))
        // 20th…31st = 12 days: 45.00 × 12 / 31 = 17.4193… → 17.42.
        #expect(try s.remove("suite-monthly", 1, on: Self.day(2028, 3, 20)).credit == usd("17.42"))
    }

    @Test func anchorOnThe31stAcrossFebruary() throws {
        // Created 2027-01-31: renewals on 28 Feb, 31 Mar, 30 Apr.
        var s = BillingScenario()
        let first = try s.buy("suite-monthly", 1, on: Self.day(2027, 1, 31))
        // The creation day starts a full period: 45.00 × 28 / 28 = 45.00.
        #expect(first.chargeNow == usd("45.00"))
        let cycle = BillingCycle(anchor: Self.day(2027, 1, 31))
        #expect(cycle.period(.monthly, containing: Self.day(2027, 2, 15)) == BillingSpan(start: Self.day(2027, 1, 31), end: Self.day(2027, 2, 28)))
        #expect(cycle.period(.monthly, containing: Self.day(2027, 3, 30)) == BillingSpan(start: Self.day(2027, 2, 28), end: Self.day(2027, 3, 31)))
        #expect(cycle.period(.monthly, containing: Self.day(2027, 4, 30)) == BillingSpan(start: Self.day(2027, 4, 30), end: Self.day(2027, 5, 31)))
        #expect(BillingCycle(anchor: Self.day(2028, 1, 31)).period(.monthly, containing: Self.day(2028, 2, 29)).start == Self.day(2028, 2, 29))
        // Period 31 Jan – 27 Feb: 28 days. Buying on 20 Feb leaves 20…27 = 8 days:
        // 45.00 × 8 / 28 = 12.857… → 12.86.
        #expect(try s.buy("suite-monthly", 1, on: Self.day(2027, 2, 20)).chargeNow == usd("12.86"))
        let invoices = try s.issueInvoices(through: Self.day(2027, 4, 30))
        #expect(invoices.map(\.date) == [Self.day(2027, 2, 28), Self.day(2027, 3, 31), Self.day(2027, 4, 30)])
        // Each bills both licenses for a whole month: 2 × 45.00 = 90.00.
        #expect(invoices.map(\.total) == [usd("90.00"), usd("90.00"), usd("90.00")])
    }

    @Test func yearlyPlanBoughtMidYearInALeapYear() throws {
        var s = BillingScenario()
        try s.buy("time-monthly", 1, on: Self.day(2028, 1, 1))
        // Yearly period 2028-01-01 – 2028-12-31: 366 days. 1 July … 31 December =
        // 31+31+30+31+30+31 = 184 days: 97.20 × 184 / 366 = 48.8655… → 48.87.
        let bought = try s.buy("issues-yearly", 1, on: Self.day(2028, 7, 1))
        #expect(bought.chargeNow == usd("48.87"))
        #expect(bought.adjustments.first?.periodDays == 366)
        // Paid to the year's end: the monthly invoices until then do not bill it again.
        let invoices = try s.issueInvoices(through: Self.day(2029, 1, 1))
        #expect(invoices.filter { $0.lines.contains { $0.plan == "issues-yearly" && $0.kind == .recurring } }.map(\.date) == [Self.day(2029, 1, 1)])
    }

    @Test func contractedPlanAddedToWithMonthsLeft() throws {
        // Term started 2026-03-01 (12 months: renews 2027-03-01).
        var s = BillingScenario()
        try s.buy("suite-contracted", 5, on: Self.day(2026, 3, 1))
        #expect(s.snapshot.contractStarts["suite-contracted"] == Self.day(2026, 3, 1))
        _ = try s.issueInvoices(through: Self.day(2026, 11, 1))
        // November: 30 days. 22…30 = 9 days: 39.00 × 2 × 9 / 30 = 23.40, charged
        // now; from 1 December on they renew with the others until the term ends.
        #expect(try s.buy("suite-contracted", 2, on: Self.day(2026, 11, 22)).chargeNow == usd("23.40"))
        let december = try #require(try s.issueInvoices(through: Self.day(2026, 12, 1)).first)
        // 7 × 39.00 = 273.00.
        #expect(december.lines.filter { $0.kind == .recurring }.map(\.amount) == [usd("273.00")])
        #expect(december.lines.contains { $0.kind == .charge && $0.amount == usd("23.40") })
    }

    @Test func thePlanNamesTheContractRenewalForContractedPurchases() throws {
        // Term started 2026-03-01 (12 months); adding 2 on 2026-11-22 commits them until 2027-03-01.
        let desired = Fixtures.desired(plans: [Fixtures.plan("suite-contracted", .exact(3))], users: [Fixtures.user("alice@acme.com", role: .administrator)])
        let ledger = LedgerSnapshot(account: Fixtures.account, users: [LedgerUser(email: "alice@acme.com", role: .administrator)],
                                    licenses: [Fixtures.license("CCCC0001", "suite-contracted", sequence: 1)],
                                    contractStarts: ["suite-contracted": Self.day(2026, 3, 1)])
        let set = Fixtures.plan(desired, ledger)
        let billing = try #require(set.billing)
        #expect(billing.commitments == [0: Self.day(2027, 3, 1)])
    }

    @Test func yenAndBahrainiDinarPrices() throws {
        let catalog = Catalog(currency: "JPY", plans: [
            CatalogPlan(id: "seat", name: "Seat", products: ["p"], billing: .monthly, commitment: .flexible,
                        price: try Money(parsing: "4500", currency: "JPY"), offeredTo: [.enterprise]),
        ])
        var yen = BillingScenario(catalog: catalog)
        try yen.buy("seat", 1, on: Self.day(2027, 1, 1))
        // January: 31 days; 21…31 = 11 days: ¥4500 × 3 × 11 / 31 = 4790.32… → ¥4790.
        let charge = try yen.buy("seat", 3, on: Self.day(2027, 1, 21)).chargeNow
        #expect(charge == Money(minorUnits: 4790, currency: "JPY") && charge.decimalString == "4790")

        // BHD has three decimals: 12.345 × 10 / 31 = 3.98225… → 3.982.
        let dinar = Proration.amount(price: try Money(parsing: "12.345", currency: "BHD"), count: 1, remainingDays: 10, periodDays: 31)
        #expect(dinar.decimalString == "3.982")
        // Half-up at exactly half a fils: 0.005 × 1 × 1 / 2 = 0.0025 → 0.003.
        #expect(Proration.amount(price: try Money(parsing: "0.005", currency: "BHD"), count: 1, remainingDays: 1, periodDays: 2).decimalString == "0.003")
    }

    @Test func twoChangesOnTheSameDay() throws {
        var s = BillingScenario()
        try s.buy("time-monthly", 1, on: Self.day(2027, 1, 1))
        // Two applies on 22 January, 10 days (22…31) of 31 left:
        // each 45.00 × 1 × 10 / 31 = 14.5161… → 14.52, one line each.
        let first = try s.buy("suite-monthly", 1, on: Self.day(2027, 1, 22))
        let second = try s.buy("suite-monthly", 1, on: Self.day(2027, 1, 22))
        #expect(first.chargeNow == usd("14.52") && second.chargeNow == usd("14.52"))
        // One buy of 2 is one line: 45.00 × 2 × 10 / 31 = 29.032… → 29.03.
        #expect(Proration.amount(price: usd("45.00"), count: 2, remainingDays: 10, periodDays: 31) == usd("29.03"))
        // Removing one the same day credits exactly what it was charged.
        #expect(try s.remove("suite-monthly", 1, on: Self.day(2027, 1, 22)).credit == usd("14.52"))
    }

    @Test func removalAndReAddInOnePeriod() throws {
        var s = BillingScenario()
        try s.buy("suite-monthly", 2, on: Self.day(2026, 11, 1))
        // Paid in full on 1 November (30 days). Removed on the 11th: 11…30 =
        // 20 days: 45.00 × 20 / 30 = 30.00 credit.
        #expect(try s.remove("suite-monthly", 1, on: Self.day(2026, 11, 11)).credit == usd("30.00"))
        // Bought again on the 21st: 21…30 = 10 days: 45.00 × 10 / 30 = 15.00.
        #expect(try s.buy("suite-monthly", 1, on: Self.day(2026, 11, 21)).chargeNow == usd("15.00"))
        // The December invoice: 2 × 45.00 = 90.00 less the 30.00 credit = 60.00.
        let december = try #require(try s.issueInvoices(through: Self.day(2026, 12, 1)).first)
        #expect(december.subtotal == usd("90.00") && december.creditApplied == usd("30.00") && december.total == usd("60.00"))
        #expect(s.snapshot.billing?.creditBalance == usd("0.00"))
    }

    @Test func dayBoundariesFollowTheAccountsTimeZone() throws {
        // 2028-02-29 23:30 UTC is already 1 March in Auckland (UTC+13).
        var s = BillingScenario(timezone: "Pacific/Auckland")
        let instant = Date(timeIntervalSince1970: 1_835_479_800) // 2028-02-29T23:30:00Z
        try s.buy("suite-monthly", 1, at: instant)
        #expect(s.snapshot.billing?.anchor == Self.day(2028, 3, 1))
    }
}

@Suite struct InvoiceRules {
    static func day(_ y: Int, _ m: Int, _ d: Int) -> Day { Day(year: y, month: m, day: d) }

    @Test func pausedLicensesAreNotBilledForPeriodsThatStartWhilePaused() throws {
        var s = BillingScenario()
        try s.apply([.addUser(email: "a@acme.com", UserAttributes(name: nil, role: .administrator, isExternal: false)),
                     .addUser(email: "b@acme.com", UserAttributes(name: nil, role: .user, isExternal: false)),
                     .buy(plan: "suite-monthly", count: 2, from: 0, to: 2),
                     .assign(email: "a@acme.com", plan: "suite-monthly", license: nil),
                     .assign(email: "b@acme.com", plan: "suite-monthly", license: nil)], at: BillingScenario.noon(Self.day(2026, 11, 1)))
        try s.apply([.pause(email: "b@acme.com", plans: ["suite-monthly"])], at: BillingScenario.noon(Self.day(2026, 11, 15)))
        let december = try #require(try s.issueInvoices(through: Self.day(2026, 12, 1)).first)
        // Only a@acme.com's license: 1 × 45.00.
        #expect(december.total == usd("45.00"))
    }

    @Test func creditBeyondTheInvoiceCarriesOver() throws {
        var s = BillingScenario()
        try s.buy("suite-monthly", 3, on: Self.day(2026, 11, 1))
        // Removing 2 on 1 November: 2 × 45.00 × 30 / 30 = 90.00 credit.
        #expect(try s.remove("suite-monthly", 2, on: Self.day(2026, 11, 1)).credit == usd("90.00"))
        let december = try #require(try s.issueInvoices(through: Self.day(2026, 12, 1)).first)
        // 45.00 due, 45.00 of the credit applied, 45.00 left for January.
        #expect(december.total == usd("0.00") && december.creditApplied == usd("45.00"))
        #expect(s.snapshot.billing?.creditBalance == usd("45.00"))
    }

    @Test func dailyPlansBillEveryDayUpToTheNextInvoice() throws {
        let catalog = Catalog(currency: "USD", plans: [
            CatalogPlan(id: "day-pass", name: "Day", products: ["p"], billing: .daily, commitment: .flexible,
                        price: usd("2.50"), offeredTo: [.enterprise]),
        ])
        var s = BillingScenario(catalog: catalog)
        // Bought on 10 November: that day is charged now (2.50).
        #expect(try s.buy("day-pass", 1, on: Self.day(2026, 11, 10)).chargeNow == usd("2.50"))
        // The invoice of 10 December bills the days not paid yet up to the next
        // invoice (10 January): 11 November … 9 January = 20 + 31 + 9 = 60 days × 2.50 = 150.00.
        let december = try #require(try s.issueInvoices(through: Self.day(2026, 12, 10)).first)
        #expect(december.lines.first { $0.kind == .recurring }?.span == BillingSpan(start: Self.day(2026, 11, 11), end: Self.day(2027, 1, 10)))
        #expect(december.subtotal == usd("150.00"))
    }
}

/// How the recorder finds the records of the licenses an apply removes.
@Suite struct BillingRecorderRemovals {
    /// Removals from several plans in one apply: the removed licenses'
    /// records found ahead, in one pass (`willRemove`), give the credits
    /// and records that looking them up plan by plan gives. The credits are
    /// capped by what each license paid, as its stored record says (a
    /// license without a record would be credited the whole prorated
    /// price, 31.94 and 68.98 here).
    @Test func removalsFoundAheadGiveTheSameCredits() {
        let catalog = Catalog(currency: "USD", plans: [
            CatalogPlan(id: "p", name: "P", products: ["p"], billing: .monthly, commitment: .flexible, price: usd("45.00"), offeredTo: [.enterprise]),
            CatalogPlan(id: "q", name: "Q", products: ["q"], billing: .monthly, commitment: .flexible, price: usd("97.20"), offeredTo: [.enterprise]),
        ])
        let paidUntil = Day(year: 2027, month: 2, day: 1)
        var billing = AccountBilling(anchor: Day(year: 2027, month: 1, day: 1), currency: "USD")
        for (code, paid) in [("P1", "10.00"), ("P2", "45.00"), ("Q1", "5.00"), ("Q2", "97.20")] {
            billing.licenses.append(code, LicenseBilling(billedUntil: paidUntil, paid: usd(paid)))
        }
        func removing(ahead: Bool) -> BillingWrites {
            var recorder = BillingRecorder(catalog: catalog, account: Fixtures.account, billing: billing,
                                           today: Day(year: 2027, month: 1, day: 10), now: Fixtures.now)
            if ahead { recorder.willRemove(["P1", "Q1"]) }
            recorder.removed(plan: "p", codes: ["P1"])
            recorder.removed(plan: "q", codes: ["Q1"])
            return recorder.writes
        }
        let writes = removing(ahead: true)
        #expect(writes == removing(ahead: false))
        // 22 of January's 31 days remain: 45.00 × 22 / 31 = 31.94 and 97.20 × 22 / 31 = 68.98, capped at 10.00 and 5.00.
        #expect(writes.adjustments.map(\.amount) == [usd("10.00"), usd("5.00")])
        #expect(writes.creditBalance == usd("15.00"))
        #expect(Set(writes.licenses.codes) == ["P1", "Q1"])
    }

    /// The apply engine, and the plan's price of each change, find the
    /// records of everything removed, from several plans at once: licenses
    /// paid until February 1 and removed on February 3, before February's
    /// invoice, are credited nothing (a license without a record would be
    /// credited the rest of February), and their records say so.
    @Test func theEngineCreditsRemovalsFromTheirRecords() throws {
        var s = BillingScenario()
        let january = Day(year: 2027, month: 1, day: 1), paidUntil = Day(year: 2027, month: 2, day: 1)
        try s.buy("suite-monthly", 2, on: january)
        try s.buy("time-monthly", 2, on: january)
        let removals = ["suite-monthly", "time-monthly"].map { plan in
            let owned = s.owned(plan)
            return Change.remove(plan: plan, count: 1, from: owned.count, to: owned.count - 1, licenses: [owned[0].code])
        }
        let instant = BillingScenario.noon(Day(year: 2027, month: 2, day: 3))
        let priced = try s.effect(of: removals, at: instant)
        #expect(priced.credit == usd("0.00") && priced.perChange == [0: usd("0.00"), 1: usd("0.00")])
        let writes = try s.apply(removals, at: instant)
        #expect(writes.adjustments.isEmpty)
        #expect(writes.creditBalance == usd("0.00"))
        let removed = removals.flatMap { change -> [String] in
            if case let .remove(_, _, _, _, codes) = change { return codes }
            return []
        }
        let ended = LicenseBilling(billedUntil: paidUntil, paid: usd("0.00"))
        #expect(removed.count == 2 && removed.allSatisfy { writes.licenses[$0] == ended })
    }
}

/// For random sequences of purchases and removals within one period, the
/// credits never exceed what was charged for the same licenses and days.
@Suite struct BillingProperties {
    @Test(arguments: 0..<200)
    func creditsNeverExceedCharges(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let prices = ["0.01", "0.05", "1.00", "45.00", "97.20", "33.33"]
        let price = prices[Int.random(in: 0..<prices.count, using: &random)]
        let catalog = Catalog(currency: "USD", plans: [
            CatalogPlan(id: "p", name: "P", products: ["p"], billing: .monthly, commitment: .flexible, price: usd(price), offeredTo: [.enterprise]),
            CatalogPlan(id: "anchor", name: "A", products: ["a"], billing: .monthly, commitment: .flexible, price: usd("1.00"), offeredTo: [.enterprise]),
        ])
        var s = BillingScenario(catalog: catalog)
        // The period 2027-01-01 – 2027-01-31; every change happens inside it.
        try s.buy("anchor", 1, on: Day(year: 2027, month: 1, day: 1))
        var day = Day(year: 2027, month: 1, day: 1)
        var charged: Int64 = 0
        var credited: Int64 = 0
        for _ in 0..<Int.random(in: 1...25, using: &random) {
            day = day.adding(days: Int.random(in: 0...3, using: &random))
            guard day.month == 1 else { break }
            let have = s.owned("p").count
            if have > 0 && Bool.random(using: &random) {
                credited += try s.remove("p", Int.random(in: 1...have, using: &random), on: day).credit.minorUnits
            } else {
                charged += try s.buy("p", Int.random(in: 1...7, using: &random), on: day).chargeNow.minorUnits
            }
            #expect(credited <= charged, "seed \(seed): credited \(credited) > charged \(charged) by \(day)")
        }
        // Each license is credited at most what it paid.
        let paid = s.snapshot.billing?.licenses.records.reduce(Int64(0)) { $0 + $1.paid.minorUnits } ?? 0
        #expect(paid + credited <= charged + 100, "seed \(seed)") // + the anchor license's 1.00
    }

    /// A plan's next invoice looks the records an apply changes up in its
    /// writes instead of merging them into a copy of every record: over
    /// random purchases, removals and issued invoices of monthly and yearly
    /// plans, it is the invoice of the merged records.
    @Test(arguments: 0..<60)
    func nextInvoiceWithWritesEqualsNextInvoiceOfMergedRecords(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        var s = BillingScenario()
        let builder = InvoiceBuilder(catalog: s.catalog)
        let plans = ["suite-monthly", "time-monthly", "issues-yearly"]
        var day = Day(year: 2027, month: 1, day: 1 + Int.random(in: 0...27, using: &random))
        try s.buy("suite-monthly", 2, on: day)
        var compared = 0
        for _ in 0..<Int.random(in: 4...16, using: &random) {
            day = day.adding(days: Int.random(in: 0...20, using: &random))
            if Int.random(in: 0..<4, using: &random) == 0, s.snapshot.billing != nil {
                _ = try s.issueInvoices(through: day)
                continue
            }
            let plan = plans[Int.random(in: 0..<plans.count, using: &random)]
            let before = s.snapshot.billing
            let licensesBefore = s.snapshot.licenses
            let have = s.owned(plan).count
            let writes = have > 0 && Bool.random(using: &random)
                ? try s.remove(plan, Int.random(in: 1...have, using: &random), on: day)
                : try s.buy(plan, Int.random(in: 1...5, using: &random), on: day)
            guard let before else { continue }
            let merged = builder.next(account: "acme", billing: before.applying(writes), licenses: s.snapshot.licenses)
            let looked = builder.next(account: "acme", billing: before, applying: writes, licenses: s.snapshot.licenses)
            #expect(looked == merged, "seed \(seed), \(day)")
            // Derived from the invoice before, moving only the changed licenses.
            let old = Dictionary(licensesBefore.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
            let changing = s.snapshot.licenses.filter { old[$0.code] != $0 || writes.licenses[$0.code] != nil }.map { (old[$0.code], $0) }
            let current = builder.next(account: "acme", billing: before, licenses: licensesBefore)
            let derived = builder.next(account: "acme", billing: before, applying: writes, current: current, changing: changing)
            #expect(derived == merged, "seed \(seed), \(day)")
            #expect(!writes.licenses.isEmpty)
            compared += 1
        }
        #expect(compared > 0, "seed \(seed) compared nothing")
    }
}
