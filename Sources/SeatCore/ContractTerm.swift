/// When licenses of a contracted plan may be removed (`contract_term`).
public enum ContractTerm {
    /// The renewal day a removal of `plan` must wait for, or nil when
    /// removing is allowed `today`: the plan is not contracted or was never
    /// bought, the term renews today, or an earlier apply recorded a removal
    /// of it as deferred until a day that has come.
    public static func hold(plan: String, catalog: Catalog, ledger: LedgerSnapshot, today: Day) -> Day? {
        guard let entry = catalog[plan], entry.commitment == .contracted, let months = entry.contractMonths,
              let start = ledger.contractStarts[plan] else { return nil }
        if let recorded = ledger.deferrals.first(where: { $0.plan == plan }) {
            return recorded.until <= today ? nil : recorded.until
        }
        let renewal = today.nextRenewal(start: start, everyMonths: months, inclusive: true)
        return renewal == today ? nil : renewal
    }
}
