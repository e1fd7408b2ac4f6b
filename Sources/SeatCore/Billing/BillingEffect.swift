import Foundation

/// What a change set costs, as every plan states it: charged now, credited
/// to the next invoice, the change in recurring cost per period, and the
/// next invoice. Computed by running the apply engine on a copy of the
/// ledger, so the plan shows exactly what an apply records.
public struct BillingEffect: Hashable, Sendable {
    public var currency: String
    public var chargeNow: Money
    public var credit: Money
    /// Change in the recurring cost, by billing period (only periods that change).
    public var recurringDeltaByPeriod: [BillingPeriod: Money]
    /// The next invoice after the apply.
    public var nextInvoice: Invoice
    /// The charge (buy) or credit (remove) of each change, by its index in the change set.
    public var perChange: [Int: Money]
    /// For purchases of a contracted plan: the day the contract renews, until
    /// which the licenses bought are billed every period (by change index).
    public var commitments: [Int: Day] = [:]

    /// The change in recurring cost per period, all billing periods together.
    public var recurringDelta: Money {
        recurringDeltaByPeriod.values.reduce(.zero(currency), +)
    }

    /// The effect of applying `changeSet` to `snapshot`, or the reason it
    /// cannot be applied (an ``ApplyError``, e.g. `storage_allowance`).
    public static func compute(_ changeSet: ChangeSet, on snapshot: LedgerSnapshot, catalog: Catalog) throws -> BillingEffect {
        try compute(changeSet, on: snapshot, catalog: catalog, engine: pricingEngine(now: changeSet.now, catalog: catalog)).effect
    }

    /// The engine a plan is priced with when nothing is to be applied: it
    /// journals as "plan" and numbers new licenses `~1`, `~2`, … (no
    /// license code has a `~`, so none is taken).
    public static func pricingEngine(now: Date, catalog: Catalog) -> ApplyEngine {
        let counter = Counter()
        return ApplyEngine(actor: "plan", now: now, catalog: catalog, drawCode: { "~" + String(counter.next()) },
                           drawLineage: { "plan" })
    }

    /// The account's next invoice as the ledger stands (nil without an
    /// account): what a plan that changes nothing shows.
    public static func currentInvoice(of snapshot: LedgerSnapshot, catalog: Catalog) -> Invoice? {
        guard let account = snapshot.account else { return nil }
        let billing = snapshot.billing ?? .initial(for: account, currency: catalog.currency)
        return InvoiceBuilder(catalog: catalog).next(account: account.id, billing: billing, licenses: snapshot.licenses)
    }

    private final class Counter {
        var value = 0
        func next() -> Int {
            value += 1
            return value
        }
    }

    /// The effect of applying `changeSet` to `snapshot`, worked out by
    /// running `engine` on it, and the rows that run computed (nil when
    /// nothing changes and the engine did not run).
    ///
    /// `currentInvoice`, when given, must be ``currentInvoice(of:catalog:)``
    /// of `snapshot`: the next invoice after the change set is derived from
    /// it. It is evaluated only when needed (at once when nothing changes,
    /// otherwise once the engine has run), so a caller may pass one still
    /// being worked out on another thread.
    public static func compute(_ changeSet: ChangeSet, on snapshot: LedgerSnapshot, catalog: Catalog, engine: ApplyEngine,
                               currentInvoice: @autoclosure () -> Invoice? = nil) throws -> (effect: BillingEffect, writes: LedgerWrites?) {
        try compute(changeSet, on: snapshot, catalog: catalog, engine: engine, currentInvoice: currentInvoice, derivingInvoice: true)
    }

    /// `derivingInvoice: false` works the next invoice out over every
    /// license after the apply, for tests to compare with.
    static func compute(_ changeSet: ChangeSet, on snapshot: LedgerSnapshot, catalog: Catalog, engine: ApplyEngine,
                        currentInvoice given: () -> Invoice?, derivingInvoice: Bool) throws -> (effect: BillingEffect, writes: LedgerWrites?) {
        func currentInvoice() -> Invoice? { given() ?? Self.currentInvoice(of: snapshot, catalog: catalog) }
        if changeSet.changes.isEmpty, changeSet.accountChange == nil, let invoice = currentInvoice() {
            // Nothing changes: no need to run the engine over the whole account.
            let zero = Money.zero(catalog.currency)
            let effect = BillingEffect(currency: catalog.currency, chargeNow: zero, credit: zero, recurringDeltaByPeriod: [:],
                                       nextInvoice: invoice, perChange: [:])
            return (effect, nil)
        }
        // The engine never draws a code its snapshot holds; whether the rest
        // of the ledger holds one is the apply's to check.
        let writes = try engine.writes(for: changeSet, on: snapshot, codes: .unchecked)
        guard let billingWrites = writes.billing else { throw ApplyError(step: 0, reason: "the apply records no billing") }
        let today = Day(changeSet.now, inZoneNamed: writes.account.timezone)
        // The change in recurring cost: a license the apply leaves alone
        // costs the same before and after, so only the changed ones count.
        var delta: [BillingPeriod: Int64] = [:]
        func count(_ license: License, _ sign: Int64) {
            guard license.effectiveStatus(on: today) == .active, let entry = catalog[license.plan] else { return }
            delta[entry.billing, default: 0] += sign * entry.price.minorUnits
        }
        // The licenses whose row or billing record the apply changes, as
        // they were: one pass over the snapshot's licenses. An account's
        // first apply has none, and needs no map of the licenses it
        // writes (2,000,000 in an account of 1,000,000 users).
        let isFirst = snapshot.billing == nil && snapshot.licenses.isEmpty
        var changed: [String: License] = [:]
        var touched: Set<String> = []
        var previous: [String: License] = [:]
        if !isFirst {
            changed.reserveCapacity(writes.licenses.count)
            for license in writes.licenses { changed[license.code] = license }
            touched = Set(changed.keys).union(billingWrites.licenses.codes)
            let filter = CodeSet(touched)
            // By index: each license's code is read in place, not the license copied.
            for index in snapshot.licenses.indices where filter.contains(snapshot.licenses[index].code) {
                previous[snapshot.licenses[index].code] = snapshot.licenses[index]
            }
        }
        // (The engine writes each license once.)
        for new in writes.licenses {
            if let old = previous[new.code] { count(old, -1) }
            count(new, 1)
        }

        // Each buy's and removal's own amount, replayed with the same recorder.
        var recorder = BillingRecorder(catalog: catalog, account: writes.account, billing: snapshot.billing, today: today, now: changeSet.now)
        recorder.willRemove(changeSet.changes.lazy.flatMap { change -> [String] in
            if case let .remove(_, _, _, _, codes) = change { return codes }
            return []
        })
        var perChange: [Int: Money] = [:]
        var commitments: [Int: Day] = [:]
        for (index, change) in changeSet.changes.enumerated() {
            let before = recorder.adjustments.count
            switch change {
            // The removals name licenses of the ledger, never one bought here:
            // a purchase's per-license records would never be read.
            case let .buy(plan, count, _, _): recorder.charged(plan: plan, count: count)
            case let .remove(plan, _, _, _, codes): recorder.removed(plan: plan, codes: codes)
            default: continue
            }
            perChange[index] = recorder.adjustments[before...].reduce(.zero(catalog.currency)) { $0 + $1.amount }
            if case let .buy(plan, _, _, _) = change, let entry = catalog[plan], entry.commitment == .contracted,
               let months = entry.contractMonths, months > 0 {
                let start = snapshot.contractStarts[plan] ?? today
                commitments[index] = today.nextRenewal(start: start, everyMonths: months, inclusive: false)
            }
        }

        // The next invoice: the current one with the changed licenses moved
        // between its lines, or, for an account's first billing, built over
        // every license after the apply.
        let builder = InvoiceBuilder(catalog: catalog)
        let next: Invoice
        if derivingInvoice, let billing = snapshot.billing,
           let derived = builder.next(account: changeSet.account, billing: billing, applying: billingWrites,
                                      current: currentInvoice() ?? builder.next(account: changeSet.account, billing: billing, licenses: snapshot.licenses),
                                      changing: touched.compactMap { code in (changed[code] ?? previous[code]).map { (previous[code], $0) } }) {
            next = derived
        } else {
            // Every license after the apply, billed with the records the
            // apply writes in place of the ledger's (an account's first
            // billing has none).
            let afterLicenses = isFirst ? writes.licenses
                : snapshot.licenses.map { changed[$0.code] ?? $0 } + writes.licenses.filter { previous[$0.code] == nil }
            let before = snapshot.billing ?? AccountBilling(anchor: billingWrites.anchor, currency: billingWrites.currency)
            next = builder.next(account: changeSet.account, billing: before, applying: billingWrites, licenses: afterLicenses)
        }
        let effect = BillingEffect(
            currency: catalog.currency, chargeNow: billingWrites.chargeNow, credit: billingWrites.credit,
            recurringDeltaByPeriod: delta.filter { $0.value != 0 }.mapValues { Money(minorUnits: $0, currency: catalog.currency) },
            nextInvoice: next, perChange: perChange, commitments: commitments)
        return (effect, writes)
    }
}
