import SeatCore

/// How plans, `status` and `invoice` show money, in one place.
enum BillingView {
    /// `{"amount": "87.10", "currency": "USD"}`.
    static func json(_ money: Money) -> JSONValue {
        .object([("amount", .string(money.decimalString)), ("currency", .string(money.currency))])
    }

    /// The plan's `billing` object.
    static func json(_ effect: BillingEffect) -> JSONValue {
        .object([
            ("charge_now", json(effect.chargeNow)),
            ("credit", json(effect.credit)),
            ("recurring_delta", json(effect.recurringDelta)),
            ("recurring_delta_by_period", .object(BillingPeriod.allCases.compactMap { period in
                effect.recurringDeltaByPeriod[period].map { (period.rawValue, json($0)) }
            })),
            ("next_invoice", .object([("date", .string(effect.nextInvoice.date.description)), ("total", json(effect.nextInvoice.total))])),
        ])
    }

    /// `+135.00 USD per month, -270.00 USD per year`, or `no change`.
    static func recurring(_ effect: BillingEffect) -> String {
        let parts = BillingPeriod.allCases.compactMap { period -> String? in
            guard let delta = effect.recurringDeltaByPeriod[period] else { return nil }
            return signed(delta) + " per " + unit(period)
        }
        return parts.isEmpty ? "no change" : parts.joined(separator: ", ")
    }

    static func unit(_ period: BillingPeriod) -> String {
        switch period {
        case .daily: return "day"
        case .monthly: return "month"
        case .yearly: return "year"
        }
    }

    /// `+135.00 USD` / `-270.00 USD`.
    static func signed(_ money: Money) -> String { (money.minorUnits >= 0 ? "+" : "") + money.formatted }

    /// The billing section of the text plan.
    static func text(_ effect: BillingEffect, style: Style) -> String {
        let rows = [
            ("charged now", effect.chargeNow.formatted),
            ("credited to the next invoice", effect.credit.formatted),
            ("recurring cost", recurring(effect)),
            ("next invoice", "\(effect.nextInvoice.date), \(effect.nextInvoice.total.formatted)"),
        ]
        let width = rows.map(\.0.count).max() ?? 0
        return style.bold("Billing:") + "\n" + rows.map { "  " + ($0.0 + ":").padding(toLength: width + 1, withPad: " ", startingAt: 0) + "  " + $0.1 + "\n" }.joined()
    }

    /// The billing part of the summary line.
    static func summary(_ effect: BillingEffect) -> String {
        "Billing: \(effect.chargeNow.formatted) charged now, \(effect.credit.formatted) credited; "
            + "next invoice \(effect.nextInvoice.date): \(effect.nextInvoice.total.formatted)."
    }
}
